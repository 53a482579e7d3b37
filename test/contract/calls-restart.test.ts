/**
 * Calls across a restart (extensions.md §15): a ringing call whose ring ran out while the server
 * was down is missed, and an answered call nobody reconnects to ends after the drop grace.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { client } from './support.ts';

let dataDir: string;
let restarted: TestServer;
let api: ReturnType<typeof client>;
let agent: string;
let ringing: { token: string; conversationId: string; callId: string };
let answered: { token: string; callId: string };
/** When the second server started: what it ends happened after this, not at the first one's shutdown. */
let restartedAt: number;
/** The answered call as the restarted server first reports it. */
let answeredAfterRestart: { status: string };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-calls-restart-'));
  // A short ring: it has run out by the time the next server is up, or runs out soon after (re-armed).
  const first = await startTestServer({ dataDir, callRingTimeoutMs: 1500 });
  try {
    const firstApi = client(first);
    const firstAgent = await firstApi.agentToken();
    const place = async () => {
      const v = await firstApi.visitorWithConversation();
      const res = await firstApi.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'audio' } });
      return { ...v, callId: res.body.data.callSession.id as string };
    };
    answered = await place();
    const answer = await firstApi.call('POST', `/agent-sdk/calls/${answered.callId}/answer`, { token: firstAgent });
    expect(answer.status).toBe(200);
    ringing = await place();
  } finally {
    // Closing stops the ring timer: the call is still `started` in the database.
    await first.close();
  }
  restartedAt = Date.now();
  // A grace long enough to read the call once before it runs out.
  restarted = await startTestServer({ dataDir, callDropGraceMs: 1500 });
  api = client(restarted);
  answeredAfterRestart = (await api.call('GET', `/calls/sessions/${answered.callId}`, { token: answered.token })).body.data.callSession;
  agent = await api.agentToken();
}, 60_000);
afterAll(async () => {
  await restarted?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const statusOf = async (callId: string) => (await api.call('GET', `/calls/sessions/${callId}`, { token: agent })).body.data.callSession;

it('misses a call whose ring ran out while the server was down, with its record', async () => {
  await vi.waitFor(async () => expect(await statusOf(ringing.callId)).toMatchObject({ status: 'missed', endReason: 'no_answer' }), { timeout: 5000 });
  // Missed by the restarted server, not at the first one's shutdown.
  expect(Date.parse((await statusOf(ringing.callId)).endedAt)).toBeGreaterThanOrEqual(restartedAt);
  const history = await api.call('GET', `/agent-sdk/conversations/${ringing.conversationId}/messages`, { token: agent });
  expect(history.body.data.messages.at(-1)).toMatchObject({ messageType: 'call', body: 'Missed voice call' });
});

it('keeps an answered call through the restart, then ends it when nobody came back in the drop grace', async () => {
  expect(answeredAfterRestart.status).toBe('answered');
  await vi.waitFor(async () => expect(await statusOf(answered.callId)).toMatchObject({ status: 'ended', endReason: 'connection_lost', metadata: { endedBy: 'server' } }), { timeout: 5000 });
  // The grace ran on the restarted server: the call ended at least a grace after it started.
  expect(Date.parse((await statusOf(answered.callId)).endedAt)).toBeGreaterThanOrEqual(restartedAt + 1400);
});
