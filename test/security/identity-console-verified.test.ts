/**
 * Issue 8 item 3, the agent's side: the console marks a visitor "verified" only when the
 * identity came from a context token. A visitor who types the very same name, email and
 * external id (`identify()`, the pre-chat form) is shown "unverified", in the console and in
 * the read API it draws from.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { client } from '../contract/support.ts';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { openConversation, signIn } from '../e2e/two-sides.ts';

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ tenantSettings: { aiRouting: 'human_only' } }), launchChromium()]);
  api = client(server);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const person = { externalId: 'cust-7', name: 'Vera Lind', email: 'vera@example.com' };

/** A visitor with an open conversation holding `text`; signed (context token) or typed. */
async function visitorSaying(text: string, signed: boolean): Promise<string> {
  let body: Record<string, unknown> = { slug: 'acme', visitor: person };
  if (signed) {
    const minted = await api.call('POST', '/server/visitor-context-token', { headers: { authorization: `Bearer ${server.serverApiKey}` }, body: { visitor: person } });
    body = { slug: 'acme', contextToken: minted.body.data.token };
  }
  const token = (await api.call('POST', '/sdk/session', { body })).body.data.sessionToken as string;
  // The copycat also says it again with identify() (`/chat/visitor/sessions`).
  await api.call('POST', '/chat/visitor/sessions', { token, body: { visitor: person } });
  const conversation = (await api.call('POST', '/chat/visitor/conversations', { token, body: {} })).body.data.conversation;
  await api.call('POST', `/chat/visitor/conversations/${conversation.conversationId}/messages`, { token, body: { body: text } });
  return conversation.conversationId as string;
}

async function identityShown(page: Page, text: string): Promise<string> {
  await openConversation(page, text);
  const identity = page.getByTestId('visitor-identity');
  await identity.filter({ hasText: person.email }).waitFor();
  return identity.innerText();
}

describe('"verified" in the console', () => {
  it('shows verified for a context token and unverified for the same details typed by a visitor', async () => {
    const signedId = await visitorSaying('hello from the signed-in Vera', true);
    const typedId = await visitorSaying('hello from someone typing Vera', false);

    const agent = await api.agentToken();
    const read = async (id: string) => (await api.call('GET', `/agent-sdk/conversations/${id}`, { token: agent })).body.data.conversation;
    expect(await read(signedId)).toMatchObject({ visitorName: person.name, visitorVerified: true });
    expect(await read(typedId)).toMatchObject({ visitorName: person.name, visitorVerified: false });

    const { page } = await openPage(await browser.newContext({ viewport: { width: 1100, height: 760 } }));
    await signIn(page, server.origin);
    const signed = await identityShown(page, 'signed-in Vera');
    expect(signed).toMatch(/\bverified\b/);
    expect(signed).not.toMatch(/unverified/);
    const typed = await identityShown(page, 'someone typing Vera');
    expect(typed).toMatch(/unverified/);
  });
});
