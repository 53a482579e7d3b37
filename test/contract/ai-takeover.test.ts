/**
 * A person taking over while the AI answers (extensions.md §14): "Talk to a person" or an agent's
 * reply mid-stream stops the AI; what the visitor saw is kept, marked cancelled, and nothing the
 * AI says lands as a live answer after the person. Also: a retried question after its answer
 * handed off, a stopped "passing you to a person" that still hands off, and streams at shutdown.
 * Real server, real sockets, real PGlite (on disk for the shutdown test).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AiDeltaFrame } from '../../src/contract/extensions.ts';
import { startTestServer } from '../helpers/server.ts';
import { type TestSocket, connect } from './socket.ts';
import { client, useContractServer } from './support.ts';
import { collectStream } from './ai-support.ts';

/** The embedded engine pauses `ms` between pieces, so a test can act mid-stream. */
const slow = (ms: number) => ({ AI_STREAM_PIECE_DELAY_MS: String(ms) });

const { server, api } = useContractServer({ env: slow(60) });
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

const transcript = async (c: ReturnType<typeof client>, token: string, id: string) =>
  (await c.call('GET', `/chat/visitor/conversations/${id}/messages`, { token })).body.data.messages as Array<Record<string, any>>;

async function startStream(token: string, socket: TestSocket, message = 'how do i set up two-factor authentication') {
  const res = await api.call('POST', '/ai/visitor/chat', { token, body: { message, stream: true } });
  const { streamId } = res.body.data.metadata;
  const first = await socket.next((f) => f.type === 'ai.delta' && f.streamId === streamId);
  return { streamId, conversationId: res.body.data.conversationId as string, first: first as AiDeltaFrame };
}

describe('a person takes over mid-stream', () => {
  it('"Talk to a person" stops the stream: what was shown is kept, marked cancelled, before the handoff note', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const { streamId, conversationId, first } = await startStream(v.token, socket);
    const handoff = await api.call('POST', '/ai/visitor/handoff', { token: v.token, body: { conversationId }, raw: true });
    expect(handoff.status).toBe(200);
    const { deltas, done } = await collectStream(socket, streamId);
    expect(done).toMatchObject({ cancelled: true, handedOff: false });
    expect(done.message?.body).toBe([first, ...deltas].map((d) => d.delta).join(''));
    const messages = await transcript(api, v.token, conversationId);
    expect(messages.map((m) => m.senderType)).toEqual(['visitor', 'ai', 'system']);
    expect(messages[1]?.metadata?.ai).toMatchObject({ cancelled: true, handoffRecommended: false });
    expect(messages[2]?.body).toMatch(/asked for a person/);
    socket.close();
  });

  it('an agent who replies mid-stream is never followed by a live AI answer', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const { streamId, conversationId } = await startStream(v.token, socket);
    // The agent routes do not tell the AI: storing the answer re-reads the conversation.
    const reply = await api.call('POST', `/agent-sdk/conversations/${conversationId}/messages`, { token: agent, body: { body: 'Hi, Alex here, I can help.' } });
    expect(reply.status).toBe(201);
    const { done } = await collectStream(socket, streamId);
    expect(done).toMatchObject({ cancelled: true, handedOff: false, handoffRecommended: false });
    const messages = await transcript(api, v.token, conversationId);
    expect(messages.map((m) => m.senderType)).toEqual(['visitor', 'agent', 'ai']);
    expect(messages[2]?.metadata?.ai).toMatchObject({ cancelled: true });
    // The agent sees it as handed off (agent_joined), and the AI takes no further questions.
    const states = await api.call('GET', `/agent-sdk/ai/conversations?conversationIds=${conversationId}`, { token: agent, raw: true });
    expect(states.body.data.conversations).toEqual([expect.objectContaining({ status: 'handed_off', handoffReason: 'agent_joined' })]);
    const next = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { conversationId, message: 'and returns?' } });
    expect([next.status, next.body.code]).toEqual([409, 'CONVERSATION_HANDED_OFF']);
    socket.close();
  });

  it('an agent assigned mid-stream stops the AI the same way', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const { streamId, conversationId } = await startStream(v.token, socket);
    const assigned = await api.call('POST', `/agent-sdk/conversations/${conversationId}/assign`, { token: agent, body: {}, raw: true });
    expect(assigned.status).toBeLessThan(300);
    const { done } = await collectStream(socket, streamId);
    expect(done.cancelled).toBe(true);
    expect(done.message?.metadata?.ai).toMatchObject({ cancelled: true });
    socket.close();
  });
});

describe('handoff replies and retries', () => {
  it('a stopped "passing you to a person" still hands off: it is one piece that cannot be cut', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const { streamId, first } = await startStream(v.token, socket, 'can i rent a canoe for the weekend');
    await api.call('POST', '/ai/visitor/chat/cancel', { token: v.token, body: { streamId }, raw: true });
    const { deltas, done } = await collectStream(socket, streamId);
    expect(deltas).toEqual([]);
    expect(first.delta).toMatch(/couldn't find an answer.*They will reply here\.$/);
    expect(done).toMatchObject({ cancelled: false, handoffRecommended: true, handedOff: true });
    socket.close();
  });

  it('a retried question (same clientMessageId) after its answer handed off gets that answer again, not 409', async () => {
    const v = await api.newVisitor();
    const body = { message: 'do you sell electric bikes?', metadata: { clientMessageId: 'c0ffee00-0000-4000-8000-00000000b1ce' } };
    const first = await api.call('POST', '/ai/visitor/chat', { token: v.token, body });
    expect(first.body.data).toMatchObject({ handoffRecommended: true, metadata: { handedOff: true } });
    const again = await api.call('POST', '/ai/visitor/chat', { token: v.token, body });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(first.body.data);
    // A new question is still refused.
    const other = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'hello?' } });
    expect([other.status, other.body.code]).toEqual([409, 'CONVERSATION_HANDED_OFF']);
  });

  it('a JSON retry while its stream is still answering waits for the stored answer', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const body = { message: 'how do i track my order', metadata: { clientMessageId: 'c0ffee00-0000-4000-8000-00000000b1cf' } };
    const streamed = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { ...body, stream: true } });
    const json = await api.call('POST', '/ai/visitor/chat', { token: v.token, body });
    const { done } = await collectStream(socket, streamed.body.data.metadata.streamId);
    expect(json.body.data).toMatchObject({ message: done.message?.body, metadata: { messageId: done.message?.messageId, handedOff: false, engine: 'embedded' } });
    socket.close();
  });
});

describe('shutdown', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-ai-shutdown-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('stops running streams and stores what they showed, marked cancelled, before the database closes', async () => {
    const first = await startTestServer({ dataDir, env: slow(200) });
    const c = client(first);
    const v = await c.newVisitor();
    const socket = await connect(first.baseUrl, v.token);
    const res = await c.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how do i set up two-factor authentication', stream: true } });
    await socket.next((f) => f.type === 'ai.delta');
    await first.close();

    const second = await startTestServer({ dataDir });
    try {
      const messages = await transcript(client(second), v.token, res.body.data.conversationId);
      expect(messages.map((m) => m.senderType)).toEqual(['visitor', 'ai']);
      expect(messages[1]?.metadata?.ai).toMatchObject({ cancelled: true });
      expect(messages[1]?.body.length).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });
});
