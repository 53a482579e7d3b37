/**
 * Streamed AI answers (extensions.md §14): `POST /ai/visitor/chat` with `stream: true` answers at
 * once with a `streamId`; the answer reaches the visitor's sockets as `ai.delta` frames and ends
 * with `ai.done` carrying the stored message. Real server, real sockets.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { type TestSocket, connect } from './socket.ts';
import { useContractServer } from './support.ts';
import { collectStream } from './ai-support.ts';

// Slow pieces, so a test can stop a stream half way.
const { server, api } = useContractServer({ env: { AI_STREAM_PIECE_DELAY_MS: '40' } });

/** Resolves once every frame the server sent before now has arrived (a ping's pong comes after them). */
async function drained(socket: TestSocket): Promise<void> {
  const t = Date.now();
  socket.send({ type: 'ping', t });
  await socket.next((f) => f.type === 'pong' && f.t === t);
}

describe('streamed AI answers', () => {
  it('streams the answer as ai.delta frames, then ai.done with the stored message; the deltas joined are the answer', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const res = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how do i return an item?', stream: true } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ message: '', metadata: { streaming: true, streamId: expect.stringMatching(/^aist_/) } });
    const { streamId } = res.body.data.metadata;

    const { deltas, done } = await collectStream(socket, streamId);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.index)).toEqual(deltas.map((_, i) => i));
    for (const d of deltas) expect(d).toMatchObject({ conversationId: res.body.data.conversationId, aiConversationId: res.body.data.aiConversationId });
    expect(done).toMatchObject({ handoffRecommended: false, handedOff: false, cancelled: false });
    expectMatchesSchema('ExtMessage', done.message);
    expect(deltas.map((d) => d.delta).join('')).toBe(done.message?.body);
    expect(done.message?.metadata?.ai).toMatchObject({ citations: [expect.objectContaining({ articleId: 'returns-policy' })] });

    // The stored message also arrives as message.created (after ai.done), and history has it.
    const created = await socket.next((f) => f.type === 'message.created' && f.message.senderType === 'ai');
    expect(created.type === 'message.created' && created.message.messageId).toBe(done.message?.messageId);
    const history = await api.call('GET', `/chat/visitor/conversations/${res.body.data.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['how do i return an item?', done.message?.body]);
    socket.close();
  });

  it('answers a repeated streamed request with the stream already answering it, never a second answer', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const body = { message: 'how do i track my order', stream: true, metadata: { clientMessageId: 'c0ffee00-0000-4000-8000-0000000000aa' } };
    const first = await api.call('POST', '/ai/visitor/chat', { token: v.token, body });
    const again = await api.call('POST', '/ai/visitor/chat', { token: v.token, body });
    expect(again.body.data.metadata.streamId).toBe(first.body.data.metadata.streamId);
    const { done } = await collectStream(socket, first.body.data.metadata.streamId);
    const afterwards = await api.call('POST', '/ai/visitor/chat', { token: v.token, body });
    expect(afterwards.body.data).toMatchObject({ message: done.message?.body, metadata: { messageId: done.message?.messageId } });
    const history = await api.call('GET', `/chat/visitor/conversations/${first.body.data.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages.map((m: { senderType: string }) => m.senderType)).toEqual(['visitor', 'ai']);
    socket.close();
  });

  it('sends the frames to the asking visitor only', async () => {
    const v = await api.newVisitor();
    const other = await api.newVisitor();
    const [mine, theirs] = await Promise.all([connect(server.baseUrl, v.token), connect(server.baseUrl, other.token)]);
    const seen: ServerFrame[] = [];
    theirs.ws.on('message', (data) => seen.push(JSON.parse(data.toString()) as ServerFrame));
    const res = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'what are your opening hours', stream: true } });
    await collectStream(mine, res.body.data.metadata.streamId);
    await drained(theirs);
    expect(seen.filter((f) => f.type.startsWith('ai.'))).toEqual([]);
    mine.close();
    theirs.close();
  });

  it('hands over to a person at the end of a streamed "I could not find an answer"', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const res = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'can i rent a canoe for the weekend', stream: true } });
    const { deltas, done } = await collectStream(socket, res.body.data.metadata.streamId);
    expect(deltas.map((d) => d.delta).join('')).toMatch(/couldn't find an answer/);
    expect(done).toMatchObject({ handoffRecommended: true, handedOff: true });
    const note = await socket.next((f) => f.type === 'message.created' && f.message.senderType === 'system');
    expect(note.type).toBe('message.created');
    socket.close();
  });

  it('stops a stream on /ai/visitor/chat/cancel and keeps what was already shown', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const res = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how do i set up two-factor authentication', stream: true } });
    const { streamId } = res.body.data.metadata;
    const first = await socket.next((f) => f.type === 'ai.delta' && f.streamId === streamId);
    // Another visitor cannot stop it.
    const stranger = await api.newVisitor();
    const foreign = await api.call('POST', '/ai/visitor/chat/cancel', { token: stranger.token, body: { streamId }, raw: true });
    expect(foreign.body).toEqual({ success: true, data: { streamId, cancelled: false } });
    const cancel = await api.call('POST', '/ai/visitor/chat/cancel', { token: v.token, body: { streamId }, raw: true });
    expect(cancel.body).toEqual({ success: true, data: { streamId, cancelled: true } });

    const { deltas, done } = await collectStream(socket, streamId);
    expect(done.cancelled).toBe(true);
    // What is stored is exactly what the visitor saw: the deltas before the stop, not the whole answer.
    expect(done.message?.body).toBe([first, ...deltas].map((d) => (d.type === 'ai.delta' ? d.delta : '')).join(''));
    expect(done.message?.metadata?.ai).toMatchObject({ cancelled: true });
    const whole = await api.call('POST', '/ai/visitor/chat', { token: stranger.token, body: { message: 'how do i set up two-factor authentication' } });
    expect(done.message?.body.length).toBeLessThan(whole.body.data.message.length);
    expect(whole.body.data.message.startsWith(done.message?.body ?? '-')).toBe(true);
    const history = await api.call('GET', `/chat/visitor/conversations/${res.body.data.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages.at(-1)).toMatchObject({ messageId: done.message?.messageId, body: done.message?.body });
    socket.close();
  });

  it('answers a cancel for a finished or unknown stream with cancelled: false, and a missing streamId with VALIDATION_FAILED', async () => {
    const v = await api.newVisitor();
    const unknown = await api.call('POST', '/ai/visitor/chat/cancel', { token: v.token, body: { streamId: 'aist_nope' }, raw: true });
    expect(unknown.body).toEqual({ success: true, data: { streamId: 'aist_nope', cancelled: false } });
    const missing = await api.call('POST', '/ai/visitor/chat/cancel', { token: v.token, body: {}, raw: true });
    expectMatchesSchema('ErrorEnvelope', missing.body);
    expect([missing.status, missing.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
