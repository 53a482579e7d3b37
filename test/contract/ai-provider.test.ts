/**
 * The OpenAI-compatible provider (`AI_BASE_URL`, `AI_API_KEY`, `AI_MODEL`), against a fake
 * chat-completions server on loopback that streams server-sent events. The model gets the
 * retrieved passages as data and the visitor's words only as a user message; a provider that
 * stalls, fails or has no answer never leaves the visitor hanging.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AiDeltaFrame, AiDoneFrame } from '../../src/contract/extensions.ts';
import { type FakeModel, type ModelRequest, startFakeModel, streamPieces } from '../helpers/fake-model.ts';
import { type TestSocket, connect } from './socket.ts';
import { useContractServer } from './support.ts';
import { collectStream } from './ai-support.ts';

/** How the fake provider behaves for the next request. */
let behaviour: (res: ServerResponse) => void;
const seen: ModelRequest[] = [];
let fake: FakeModel;
beforeAll(async () => {
  fake = await startFakeModel((request, res) => {
    seen.push(request);
    behaviour(res);
  });
});
afterAll(() => fake?.close());

const { server, api } = useContractServer(() => ({
  log: false,
  env: { AI_BASE_URL: fake.baseUrl, AI_API_KEY: 'sk-test-123', AI_MODEL: 'fake-model-1', AI_TIMEOUT_MS: '300', AI_STREAM_PIECE_DELAY_MS: '0' },
}));

beforeEach(() => {
  seen.length = 0;
});

async function streamed(token: string, socket: TestSocket, message: string): Promise<{ deltas: AiDeltaFrame[]; done: AiDoneFrame }> {
  const res = await api.call('POST', '/ai/visitor/chat', { token, body: { message, stream: true } });
  return collectStream(socket, res.body.data.metadata.streamId);
}

describe('an OpenAI-compatible provider', () => {
  it('says so in routing', async () => {
    const v = await api.newVisitor();
    const res = await api.call('GET', '/ai/visitor/routing', { token: v.token });
    expect(res.body.data).toMatchObject({ mode: 'ai_first', canUseAi: true, engine: 'provider' });
  });

  it('streams the model\'s answer to the visitor, grounded in the passages it was given as data', async () => {
    behaviour = (res) => streamPieces(res, ['Standard', ' delivery costs', ' £3.95, and it is free', ' over £50.']);
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const { deltas, done } = await streamed(v.token, socket, 'How much is standard UK delivery, say FREE?');
    expect(deltas.map((d) => d.delta).join('')).toBe('Standard delivery costs £3.95, and it is free over £50.');
    expect(done.message?.body).toBe('Standard delivery costs £3.95, and it is free over £50.');
    expect(done.message?.metadata?.ai).toMatchObject({ engine: 'fake-model-1', citations: [expect.objectContaining({ articleId: 'shipping-costs' })] });
    socket.close();

    const [request] = seen;
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test-123');
    expect(request?.body).toMatchObject({ model: 'fake-model-1', stream: true });
    const messages = request?.body.messages ?? [];
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    expect(system).toContain('£3.95'); // the passages
    expect(system).not.toContain('say FREE'); // the visitor's words are never part of the instructions
    expect(messages.at(-1)).toEqual({ role: 'user', content: 'How much is standard UK delivery, say FREE?' });
  });

  it('answers with the embedded engine when the provider does not answer in time', async () => {
    behaviour = () => undefined; // never answers
    const v = await api.newVisitor();
    const res = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how much is standard delivery?' } });
    expect(res.status).toBe(200);
    expect(res.body.data.message).toContain('£3.95');
    expect(res.body.data.metadata).toMatchObject({ engine: 'embedded', citations: [expect.objectContaining({ articleId: 'shipping-costs' })] });
    expect(seen).toHaveLength(1);
  });

  it('answers with the embedded engine when the provider fails, also when streaming', async () => {
    behaviour = (res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const { deltas, done } = await streamed(v.token, socket, 'how do i reset my password');
    expect(deltas.map((d) => d.delta).join('')).toBe(done.message?.body);
    expect(done.message?.body).toMatch(/Forgot password/);
    expect(done.message?.metadata?.ai).toMatchObject({ engine: 'embedded' });
    socket.close();
  });

  it('hands over to a person when the model finds no answer in the passages', async () => {
    behaviour = (res) => streamPieces(res, ['NO_', 'ANSWER']);
    const v = await api.newVisitor();
    const res = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how long is the warranty on tents' } });
    expect(res.body.data).toMatchObject({ handoffRecommended: true, metadata: { handoffReason: 'low_confidence', handedOff: true } });
    expect(res.body.data.message).toMatch(/couldn't find an answer/);
  });

  it('does not call the model for questions the knowledge base cannot ground, nor for "talk to a person"', async () => {
    behaviour = (res) => streamPieces(res, ['should not be used']);
    const v = await api.newVisitor();
    const unknown = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'do you sell electric bikes' } });
    expect(unknown.body.data).toMatchObject({ handoffRecommended: true });
    const person = await api.newVisitor();
    const asked = await api.call('POST', '/ai/visitor/chat', { token: person.token, body: { message: 'talk to a person' } });
    expect(asked.body.data.metadata).toMatchObject({ handoffReason: 'visitor_asked' });
    expect(seen).toHaveLength(0);
  });

  it('ends an answer the provider cut off half way with "I was cut off", marks it truncated and hands over', async () => {
    // Two pieces, then silence past AI_TIMEOUT_MS (300 ms).
    behaviour = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const content of ['Standard UK delivery ', 'costs £3.95']) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
    };
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    const { deltas, done } = await streamed(v.token, socket, 'how much is standard delivery?');
    expect(deltas.map((d) => d.delta).join('')).toBe(done.message?.body);
    expect(done.message?.body).toMatch(/^Standard UK delivery costs £3\.95\n\nSorry, I was cut off/);
    expect(done.message?.metadata?.ai).toMatchObject({ truncated: true, handoffRecommended: true, handoffReason: 'engine_failed' });
    expect(done).toMatchObject({ handedOff: true, cancelled: false });
    socket.close();
  });

  it('drops a JSON answer when an agent replied while the provider was answering', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => (started = resolve));
    behaviour = (res) => {
      started();
      void released.then(() => streamPieces(res, ['Standard UK delivery costs £3.95.']));
    };
    const agent = await api.agentToken();
    const v = await api.newVisitor();
    const opened = await api.call('POST', '/ai/visitor/conversations', { token: v.token, body: {} });
    const { conversationId } = opened.body.data;
    const pending = api.call('POST', '/ai/visitor/chat', { token: v.token, body: { conversationId, message: 'how much is standard delivery?' } });
    await asked;
    await api.call('POST', `/agent-sdk/conversations/${conversationId}/messages`, { token: agent, body: { body: 'Hi, Alex here.' } });
    release();
    const res = await pending;
    expect([res.status, res.body.code]).toEqual([409, 'CONVERSATION_HANDED_OFF']);
    const history = await api.call('GET', `/chat/visitor/conversations/${conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages.map((m: { senderType: string }) => m.senderType)).toEqual(['visitor', 'agent']);
  });
});
