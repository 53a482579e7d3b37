/**
 * Issue 8, item 1: every payload as a name someone else chooses — the visitor's name (console
 * list and header), the agent's display name (widget and console), the tenant's name and
 * greeting from bootstrap (widget and hosted page) — and as an attachment's filename (widget
 * and console), in Chromium against the real server. Nothing runs, no active element or unsafe
 * link appears, and every accepted value shows as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Database } from '../../demo/server/db/database.ts';
import { DEMO_AGENT } from '../../demo/server/seed.ts';
import { client } from '../contract/support.ts';
import { openConversation, openTwoSides, signIn, type TwoSides } from '../e2e/two-sides.ts';
import { PAYLOADS, armContext, auditPage, missing, normalize, pack, parts, textsOf, widgetVisitor } from './xss-support.ts';

/** The server's limit for a visitor name (identity.ts); longer ones are refused with VALIDATION_FAILED. */
const MAX_NAME = 100;
const VISITORS = 100;

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Resolves once `read` (texts of the page) contains every one of `wanted`, normalised. */
async function waitForTexts(page: Page, selector: string, wanted: readonly string[], timeout = 30_000): Promise<string[]> {
  let texts: string[] = [];
  await expect
    .poll(
      async () => {
        texts = await textsOf(page, selector);
        return missing(texts, wanted, { markdown: false });
      },
      { timeout, interval: 200 },
    )
    .toEqual([]);
  return texts;
}

describe('the XSS corpus through names and filenames', () => {
  let t: TwoSides;
  let api: ReturnType<typeof client>;
  let db: Database | undefined;
  const dialogs: string[] = [];

  beforeAll(async () => {
    t = await openTwoSides({
      tenantSettings: { aiRouting: 'human_only' },
      // The server's own database, to set the names only an operator sets (agent, tenant).
      seed: async (database) => void (db = database),
    });
    await armContext(t.visitor.context, dialogs);
    await armContext(t.agent.context, dialogs);
    api = client(t.server);
  });

  /** A fresh visitor browser (its own storage: a new visitor), with the canary. */
  async function freshVisitorPage(): Promise<Page> {
    const context = await t.browser.newContext({ viewport: { width: 1100, height: 760 } });
    await armContext(context, dialogs);
    return context.newPage();
  }
  afterAll(() => t?.close());

  // Short payloads share a name (space-separated, within the server's limit).
  const names = pack(PAYLOADS.filter((p) => p.trim().length <= MAX_NAME), MAX_NAME).map((n) => n.trim());
  const visitors: Array<Awaited<ReturnType<ReturnType<typeof client>['visitorWithConversation']>>> = [];
  const say = (v: (typeof visitors)[number], body: string, name: string) =>
    api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body, visitor: { name } } });

  it('shows every visitor name in the console list as text, and refuses the too long ones', async () => {
    const tooLong = PAYLOADS.filter((p) => p.trim().length > MAX_NAME);
    for (let i = 0; i < VISITORS; i++) visitors.push(await api.visitorWithConversation({ name: `visitor ${i}` }));
    const before = await say(visitors[0]!, 'before the long names', 'visitor 0');
    for (const p of tooLong) {
      const res = await say(visitors[0]!, 'too long a name', p);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.message).toMatch(/visitor\.name/);
    }
    // Refused sends changed nothing: no message was added.
    const history = await api.call('GET', `/chat/visitor/conversations/${visitors[0]!.conversationId}/messages`, { token: visitors[0]!.token });
    expect((history.body.data.messages as Array<{ seq: number }>).at(-1)?.seq).toBe(before.body.data.message.seq);
    const desk = t.agent.page;
    // Many visitors at once: each round renames all of them; the list shows them all.
    for (let round = 0; round * VISITORS < names.length; round++) {
      const chunk = names.slice(round * VISITORS, (round + 1) * VISITORS);
      for (let i = 0; i < chunk.length; i += 10) {
        await Promise.all(chunk.slice(i, i + 10).map((name, j) => say(visitors[i + j]!, `round ${round}`, name).then((res) => expect(res.status).toBe(201))));
      }
      // A fresh sign-in reads the list anew (the console keeps its token in memory only).
      await signIn(desk, t.server.origin);
      await waitForTexts(desk, '[data-testid="conversation-item"]', chunk);
      expect(await auditPage(desk)).toEqual([]);
    }
    expect(dialogs).toEqual([]);
  });

  it('shows every visitor name in the header of the open conversation as text', async () => {
    const desk = t.agent.page;
    const first = visitors[0]!;
    await say(first, 'header check', 'header visitor');
    await openConversation(desk, 'header check');
    for (const [i, name] of names.entries()) {
      await say(first, `header ${i}`, name);
      await desk.waitForFunction((want) => (document.querySelector('.view h2')?.textContent ?? '').replace(/[\s*`\u0000-\u001f\u007f]/g, '') === want, normalize(name));
    }
    expect(await auditPage(desk)).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it("shows every agent display name to the visitor and in the console as text", async () => {
    const page = await freshVisitorPage();
    const visitor = await widgetVisitor(page, api, t.server.origin, t.server.slug, 'agent names please');
    const desk = t.agent.page;
    await signIn(desk, t.server.origin);
    await openConversation(desk, 'agent names please');
    const agentToken = await api.agentToken();
    // An operator sets agent names (no API does): straight in the server's database, ~2,000 characters of payloads a name.
    for (const [i, name] of pack(PAYLOADS, 2000).entries()) {
      await db!.query('UPDATE agents SET name = $1 WHERE id = $2', [name, DEMO_AGENT.id]);
      const res = await api.call('POST', `/agent-sdk/conversations/${visitor.conversationId}/messages`, { token: agentToken, body: { body: `agent name ${i}` } });
      expect(res.status).toBe(201);
      expect(res.body.data.message.senderName).toBe(name);
    }
    await db!.query('UPDATE agents SET name = $1 WHERE id = $2', [DEMO_AGENT.name, DEMO_AGENT.id]);
    for (const shown of [page, desk]) {
      await waitForTexts(shown, '[data-testid="message"][data-sender="agent"]', PAYLOADS);
      expect(await auditPage(shown)).toEqual([]);
    }
    expect(dialogs).toEqual([]);
  });

  // Several payloads a filename (the server keeps 200 characters after the last slash or
  // backslash, so a payload with one has a file of its own); in parts of at most 100 files, one
  // conversation each, so the widget's list (which renders up to 150 messages) shows them all.
  const fileNames = [...pack(PAYLOADS.filter((p) => !/[\\/]/.test(p)), 180), ...PAYLOADS.filter((p) => /[\\/]/.test(p))];
  const fileParts = parts(fileNames, 100);
  it.each(fileParts.map((_, i) => i))('shows every attachment filename in the widget and the console as text (part %i)', async (half) => {
    const page = await freshVisitorPage();
    const visitor = await widgetVisitor(page, api, t.server.origin, t.server.slug, `file names please ${half}`);
    const desk = t.agent.page;
    await signIn(desk, t.server.origin);
    await openConversation(desk, `file names please ${half}`);
    const stored: string[] = [];
    const names = fileParts[half]!;
    const sendFile = async (name: string) => {
      const up = await api.upload(`/chat/visitor/conversations/${visitor.conversationId}/attachments/upload`, visitor.token, { name, type: 'application/pdf', bytes: PDF });
      expect(up.status).toBe(201);
      const attachment = up.body.data.attachment as { attachmentId: string; name: string };
      stored.push(attachment.name);
      const sent = await api.call('POST', `/chat/visitor/conversations/${visitor.conversationId}/messages`, {
        token: visitor.token,
        body: { body: '', messageType: 'document', metadata: { attachmentId: attachment.attachmentId } },
      });
      expect(sent.status).toBe(201);
    };
    for (let i = 0; i < names.length; i += 8) await Promise.all(names.slice(i, i + 8).map(sendFile));
    for (const shown of [page, desk]) {
      await waitForTexts(shown, '[data-testid="message"]', stored);
      expect(await auditPage(shown)).toEqual([]);
    }
    expect(dialogs).toEqual([]);
  });

  it("shows the tenant's name and greeting from bootstrap as text in the widget and the hosted page", async () => {
    const per = 100;
    const widget = await freshVisitorPage();
    const hosted = await widget.context().newPage();
    for (let start = 0; start < PAYLOADS.length; start += per) {
      const chunk = PAYLOADS.slice(start, start + per);
      const name = chunk.join(' ');
      const greeting = chunk.join('\n');
      await db!.query("UPDATE tenants SET name = $1, branding = branding || jsonb_build_object('name', $1::text, 'greeting', $2::text) WHERE slug = $3", [name, greeting, t.server.slug]);
      for (const [page, url] of [
        [widget, `${t.server.origin}/`],
        [hosted, `${t.server.origin}/chat/${t.server.slug}`],
      ] as const) {
        await page.goto(url);
        if (url.endsWith('/')) await page.getByTestId('launcher').click();
        await waitForTexts(page, '.title', chunk);
        await waitForTexts(page, '.greeting', chunk);
        expect(await auditPage(page)).toEqual([]);
      }
    }
    expect(dialogs).toEqual([]);
  });
});
