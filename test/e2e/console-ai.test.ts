/**
 * The AI in the agent console, in Chromium against the real server: in `ai_assisted` the agent
 * sees a suggested reply grounded in the help centre, inserts it, edits it and sends it, and the
 * visitor's widget shows it; in `ai_first` a conversation the AI handed over shows the AI's
 * transcript (labelled, with its sources) and the handoff note, and the agent's reply reaches the
 * visitor.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { message, openChat, openConversation, sendText, signIn } from './two-sides.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

async function side(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  return { context, ...(await openPage(context)) };
}

/** REST calls of a visitor outside the browser (`/api` relative paths), answering the envelope's `data`. */
function restVisitor(server: TestServer) {
  let token = '';
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { 'X-Ringnity-SDK-Session': token } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { success: boolean; data: T };
    if (!json.success) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json.data;
  }
  return {
    call,
    async start(name: string) {
      token = (await call<{ sessionToken: string }>('POST', '/sdk/session', { slug: server.slug, visitor: { name } })).sessionToken;
    },
  };
}

describe('ai_assisted: a suggested reply the agent inserts, edits and sends', () => {
  let server: TestServer;
  let visitor: Awaited<ReturnType<typeof side>>;
  let agent: Awaited<ReturnType<typeof side>>;

  beforeAll(async () => {
    server = await startTestServer({ tenantSettings: { aiRouting: 'ai_assisted' } });
    [visitor, agent] = await Promise.all([side(), side()]);
  });
  afterAll(async () => {
    await Promise.all([visitor?.context.close(), agent?.context.close()]);
    await server?.close();
  });

  it('shows a suggestion citing the shipping article; Insert puts it into the reply box; the visitor gets the edited reply', async () => {
    await openChat(visitor.page, server.origin);
    await sendText(visitor.page, 'how long does delivery take?');
    await signIn(agent.page, server.origin);
    await openConversation(agent.page, 'how long does delivery take');

    const box = agent.page.getByTestId('suggestion');
    await box.and(agent.page.locator('[data-state="ready"]')).waitFor();
    const source = box.getByTestId('ai-source');
    expect(await source.first().getAttribute('data-article')).toBe('shipping-times');
    expect(await source.first().getAttribute('href')).toBe(`${server.origin}/help/shipping-times`);
    const suggested = (await box.getByTestId('suggestion-body').innerText()).trim();
    expect(suggested).toMatch(/working days/);

    await box.getByTestId('suggestion-insert').click();
    const input = agent.page.getByTestId('reply-input');
    await expect.poll(async () => (await input.inputValue()).replace(/\s+/g, ' ')).toBe(suggested.replace(/\s+/g, ' '));
    // The agent edits the text before sending (the caret is at the end after Insert).
    await input.press('End');
    await input.pressSequentially(' Anything else I can help with?');
    await agent.page.getByTestId('reply-send').click();

    await message(agent.page, 'agent', 'Anything else I can help with?').waitFor();
    const received = message(visitor.page, 'agent', 'Anything else I can help with?');
    await received.waitFor();
    expect(await received.innerText()).toContain('working days');
    // Answered: nothing waits for a reply, so the suggestion goes away.
    await box.waitFor({ state: 'detached' });
  });

  it('suggests again for the visitor\'s next question, and says so when the help centre has no answer', async () => {
    await sendText(visitor.page, 'what is the airspeed velocity of an unladen swallow?');
    await agent.page.locator('[data-testid="suggestion"][data-state="none"]').waitFor();
    await sendText(visitor.page, 'how do I reset my password?');
    const box = agent.page.locator('[data-testid="suggestion"][data-state="ready"]');
    await box.waitFor();
    expect(await box.getByTestId('ai-source').first().getAttribute('data-article')).toBe('password-reset');
  });

  it('raised no uncaught error in the console', () => {
    expect(agent.errors).toEqual([]);
    expect(visitor.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });
});

describe('ai_first: the agent sees the AI transcript after a handoff and answers', () => {
  let server: TestServer;
  let agent: Awaited<ReturnType<typeof side>>;

  beforeAll(async () => {
    server = await startTestServer({ tenantSettings: { aiRouting: 'ai_first' } });
    agent = await side();
  });
  afterAll(async () => {
    await agent?.context.close();
    await server?.close();
  });

  it('labels the AI answer with its sources, marks the handoff, and the agent\'s reply reaches the visitor', async () => {
    const v = restVisitor(server);
    await v.start('Robin');
    const asked = await v.call<{ conversationId: string; message: string }>('POST', '/ai/visitor/chat', { message: 'how long does delivery take?' });
    const conversationId = asked.conversationId;
    await v.call('POST', '/ai/visitor/handoff', { conversationId });
    await v.call('POST', `/chat/visitor/conversations/${conversationId}/messages`, { body: 'I need it by Friday, is that possible?' });

    await signIn(agent.page, server.origin);
    const item = agent.page.getByTestId('conversation-item').filter({ hasText: 'Robin' });
    await item.getByTestId('handoff-badge').waitFor();
    expect(await item.getByTestId('handoff-badge').getAttribute('data-reason')).toBe('visitor_asked');
    await openConversation(agent.page, 'Robin');

    const ai = agent.page.locator('[data-testid="message"][data-sender="ai"]');
    await ai.waitFor();
    await ai.getByTestId('ai-label').waitFor();
    expect(await ai.getByTestId('ai-source').first().getAttribute('data-article')).toBe('shipping-times');
    expect(asked.message).toMatch(/working days/);
    expect(await ai.innerText()).toMatch(/working days/);
    const note = agent.page.locator('[data-testid="message"][data-handoff="true"]');
    await note.waitFor();
    expect(await note.innerText()).toContain('The visitor asked for a person');
    // In ai_first the agent also gets suggestions for what the visitor asked after the handoff.
    await agent.page.locator('[data-testid="suggestion"]').waitFor();

    await agent.page.getByTestId('reply-input').fill('Hi Robin, I can check that for you.');
    await agent.page.getByTestId('reply-send').click();
    await vi.waitFor(
      async () => {
        const history = await v.call<{ messages: Array<{ senderType: string; body: string }> }>('GET', `/chat/visitor/conversations/${conversationId}/messages`);
        expect(history.messages.map((m) => m.senderType)).toEqual(['visitor', 'ai', 'system', 'visitor', 'agent']);
        expect(history.messages.at(-1)?.body).toBe('Hi Robin, I can check that for you.');
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('raised no uncaught error in the console', () => {
    expect(agent.errors).toEqual([]);
  });
});

describe('human_only: no AI in the console', () => {
  let server: TestServer;
  let agent: Awaited<ReturnType<typeof side>>;

  beforeAll(async () => {
    server = await startTestServer({ tenantSettings: { aiRouting: 'human_only' } });
    agent = await side();
  });
  afterAll(async () => {
    await agent?.context.close();
    await server?.close();
  });

  it('shows no suggestion box and asks for no suggestion', async () => {
    const v = restVisitor(server);
    await v.start('Kim');
    const opened = await v.call<{ conversation: { conversationId: string } }>('POST', '/chat/visitor/conversations', {});
    await v.call('POST', `/chat/visitor/conversations/${opened.conversation.conversationId}/messages`, { body: 'how long does delivery take?' });
    const asked: string[] = [];
    agent.page.on('request', (request) => {
      if (request.url().includes('/ai/suggestion')) asked.push(request.url());
    });
    const routing = agent.page.waitForResponse((response) => response.url().endsWith('/agent-sdk/ai/routing'));
    await signIn(agent.page, server.origin);
    expect(((await (await routing).json()) as { data: { suggestions: boolean } }).data.suggestions).toBe(false);
    await openConversation(agent.page, 'Kim');
    await message(agent.page, 'visitor', 'how long does delivery take?').waitFor();
    expect(await agent.page.getByTestId('suggestion').count()).toBe(0);
    expect(asked).toEqual([]);
    expect(agent.errors).toEqual([]);
  });
});
