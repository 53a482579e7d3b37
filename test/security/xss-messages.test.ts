/**
 * Issue 8, item 1: every payload of the corpus as a message body, visitor → agent and
 * agent → visitor, then as an edited body, rendered by the widget (demo site), the agent
 * console and the hosted chat page, in Chromium against the real server. Nothing runs, no
 * active element or unsafe link appears, and every payload shows as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { client } from '../contract/support.ts';
import { openConversation, openTwoSides, signIn, type TwoSides } from '../e2e/two-sides.ts';
import { PAYLOADS, type Batch, armContext, auditPage, batches, missing, pack, parts, textsOf, widgetVisitor } from './xss-support.ts';

const MESSAGE = '[data-testid="message"]';
const START = 'xss corpus conversation';

/** Waits until every batch's marker shows in `page`'s messages. */
async function waitForMarkers(page: Page, list: readonly Batch[]): Promise<string[]> {
  let texts: string[] = [];
  await expect
    .poll(
      async () => {
        texts = await textsOf(page, MESSAGE);
        const all = texts.join('\n');
        return list.filter((b) => !all.includes(b.marker)).map((b) => b.marker);
      },
      { timeout: 30_000, interval: 200 },
    )
    .toEqual([]);
  return texts;
}

describe('the XSS corpus through message bodies', () => {
  let t: TwoSides;
  let api: ReturnType<typeof client>;
  let visitorToken = '';
  let agentToken = '';
  let conversationId = '';
  const dialogs: string[] = [];
  const fromVisitor = batches(PAYLOADS, 'v');
  const fromAgent = batches(PAYLOADS, 'a');
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await openTwoSides({ tenantSettings: { aiRouting: 'human_only', editWindowSeconds: 86_400 } });
    await armContext(t.visitor.context, dialogs);
    await armContext(t.agent.context, dialogs);
    api = client(t.server);
    // The widget's own visitor starts the conversation; the test then speaks as that visitor.
    ({ token: visitorToken, conversationId } = await widgetVisitor(t.visitor.page, api, t.server.origin, t.server.slug, START));
    agentToken = await api.agentToken();
    await signIn(t.agent.page, t.server.origin);
    await openConversation(t.agent.page, START);
  });
  afterAll(() => t?.close());

  it(`packs ${PAYLOADS.length} payloads into few enough messages that one page of history holds them all`, () => {
    expect(fromVisitor.flatMap((b) => b.payloads)).toEqual(PAYLOADS);
    expect(fromVisitor.length + fromAgent.length + 1).toBeLessThanOrEqual(50);
  });

  it('renders every payload sent by the visitor and by the agent as inert text, in the widget and the console', async () => {
    for (const b of fromVisitor) {
      const res = await api.call('POST', `/chat/visitor/conversations/${conversationId}/messages`, { token: visitorToken, body: { body: b.body } });
      expect(res.status).toBe(201);
      ids.set(b.marker, res.body.data.message.messageId as string);
    }
    for (const b of fromAgent) {
      const res = await api.call('POST', `/agent-sdk/conversations/${conversationId}/messages`, { token: agentToken, body: { body: b.body } });
      expect(res.status).toBe(201);
      ids.set(b.marker, res.body.data.message.messageId as string);
    }
    for (const page of [t.visitor.page, t.agent.page]) {
      const texts = await waitForMarkers(page, [...fromVisitor, ...fromAgent]);
      expect(missing(texts, PAYLOADS)).toEqual([]);
      expect(await auditPage(page)).toEqual([]);
    }
    expect(dialogs).toEqual([]);
  });

  it('renders every payload as an edited body, in the widget, the console and the hosted chat page', async () => {
    const edited = (list: Batch[], tag: string) => list.map((b) => ({ ...b, marker: `${b.marker}-${tag}`, body: b.body.replaceAll(b.marker, `${b.marker}-${tag}`), id: ids.get(b.marker)! }));
    const visitorEdits = edited(fromVisitor, 'edited');
    const agentEdits = edited(fromAgent, 'edited');
    for (const b of visitorEdits) {
      const res = await api.call('PATCH', `/chat/visitor/conversations/${conversationId}/messages/${b.id}`, { token: visitorToken, body: { body: b.body } });
      expect(res.status).toBe(200);
    }
    for (const b of agentEdits) {
      const res = await api.call('PATCH', `/agent-sdk/conversations/${conversationId}/messages/${b.id}`, { token: agentToken, body: { body: b.body } });
      expect(res.status).toBe(200);
    }
    const hosted = await t.visitor.context.newPage();
    await hosted.goto(`${t.server.origin}/chat/${t.server.slug}`);
    for (const page of [t.visitor.page, t.agent.page, hosted]) {
      const texts = await waitForMarkers(page, [...visitorEdits, ...agentEdits]);
      expect(missing(texts, PAYLOADS)).toEqual([]);
      expect(await auditPage(page)).toEqual([]);
    }
    expect(dialogs).toEqual([]);
  });

  // Several payloads a label (at most 200 characters); in parts of at most 100 messages, one
  // fresh visitor each, so the widget's list (which renders up to 150 messages) shows them all.
  const labelParts = parts(pack(PAYLOADS.filter((p) => p.length <= 200), 200), 100);
  it.each(labelParts.map((_, i) => i))('renders every payload as a shared location\'s label (a link to the map) as inert text (part %i)', async (part) => {
    const labels = labelParts[part]!;
    const context = await t.browser.newContext({ viewport: { width: 1100, height: 760 } });
    await armContext(context, dialogs);
    const page = await context.newPage();
    const visitor = await widgetVisitor(page, api, t.server.origin, t.server.slug, `locations please ${part}`);
    await signIn(t.agent.page, t.server.origin);
    await openConversation(t.agent.page, `locations please ${part}`);
    const location = (label: string) => ({ body: '', messageType: 'location', metadata: { latitude: 51.5, longitude: -0.12, label } });
    const tooLong = await api.call('POST', `/chat/visitor/conversations/${visitor.conversationId}/messages`, { token: visitor.token, body: location('x'.repeat(201)) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', message: expect.stringMatching(/metadata\.label/) });
    for (let i = 0; i < labels.length; i += 10) {
      await Promise.all(
        labels.slice(i, i + 10).map(async (label) => {
          const res = await api.call('POST', `/chat/visitor/conversations/${visitor.conversationId}/messages`, { token: visitor.token, body: location(label) });
          expect(res.status).toBe(201);
        }),
      );
    }
    for (const shown of [page, t.agent.page]) {
      await expect.poll(async () => missing(await textsOf(shown, MESSAGE), labels, { markdown: false }), { timeout: 30_000, interval: 250 }).toEqual([]);
      expect(await auditPage(shown)).toEqual([]);
    }
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
