/**
 * The reference server over an on-disk PGlite folder: what a visitor, an agent and the
 * operator rely on across a restart (data, tokens, and which Server API key is valid).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { client } from './support.ts';

const FIRST_KEY = 'sk_demo_first_boot_0123456789';
const SECOND_KEY = 'sk_demo_second_boot_0123456789';

let dataDir: string;
let restarted: TestServer;
let api: ReturnType<typeof client>;
let before: { credential: string; visitorId: string; sessionToken: string; agentToken: string; conversationId: string };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-restart-'));
  const first = await startTestServer({ dataDir, serverApiKey: FIRST_KEY });
  try {
    const firstApi = client(first);
    const v = await firstApi.visitorWithConversation({ name: 'Rita' });
    const sent = await firstApi.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'before the restart' } });
    expect(sent.status).toBe(201);
    before = { credential: v.credential, visitorId: v.visitorId, sessionToken: v.token, agentToken: await firstApi.agentToken(), conversationId: v.conversationId };
  } finally {
    await first.close();
  }
  restarted = await startTestServer({ dataDir, serverApiKey: SECOND_KEY });
  api = client(restarted);
}, 60_000);
afterAll(async () => {
  await restarted?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a restart on the same data folder', () => {
  it('gives the visitor its conversation and history back through the stored credential', async () => {
    const session = await api.call('POST', '/sdk/session', { body: { slug: 'acme', visitorCredential: before.credential } });
    expect(session.status).toBe(201);
    expect(session.body.data).toMatchObject({ visitorId: before.visitorId, visitorCredential: before.credential });
    const token = session.body.data.sessionToken as string;
    const open = await api.call('GET', '/chat/visitor/tickets/open', { token });
    expect(open.body.data.conversation).toMatchObject({ conversationId: before.conversationId, visitorName: 'Rita' });
    const history = await api.call('GET', `/chat/visitor/conversations/${before.conversationId}/messages`, { token });
    expect(history.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['before the restart']);
  });

  it('accepts session and agent tokens minted before the restart (the token secret is kept)', async () => {
    const visitor = await api.call('GET', '/chat/visitor/tickets/open', { token: before.sessionToken });
    expect(visitor.status).toBe(200);
    expect(visitor.body.data.conversation.conversationId).toBe(before.conversationId);
    const agent = await api.call('GET', `/agent-sdk/conversations/${before.conversationId}`, { token: before.agentToken });
    expect(agent.status).toBe(200);
  });

  it('revokes the old demo Server API key when another one is configured', async () => {
    const mint = (key: string) =>
      api.call('POST', '/server/sdk-token/agent', { headers: { authorization: `Bearer ${key}` }, body: { agentId: 'agent-demo' } });
    const old = await mint(FIRST_KEY);
    expect([old.status, old.body.code]).toEqual([401, 'SERVER_API_KEY_INVALID']);
    expect((await mint(SECOND_KEY)).status).toBe(201);
  });
});
