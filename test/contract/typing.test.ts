import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { connect, trackSockets } from './socket.ts';
import { useContractServer } from './support.ts';

const track = trackSockets();

// A short idle timeout so the auto-clear is an event to await, not a wait; the 2 s throttle stays.
const { server, api } = useContractServer({ typing: { timeoutMs: 300 } });
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

const isTyping = (f: ServerFrame) => f.type === 'typing';

describe('typing indicators over the realtime socket', () => {
  it('relays a visitor\'s typing to agents with the visitor\'s name, and not back to the visitor', async () => {
    const v = await api.visitorWithConversation({ name: 'Quinn' });
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const agentSocket = track(await connect(server.baseUrl, agent));
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await agentSocket.next(isTyping)).toEqual({ type: 'typing', conversationId: v.conversationId, by: 'visitor', name: 'Quinn', typing: true });
    // The relay to every recipient happened before the agent got it: a frame to the visitor would precede this pong.
    visitorSocket.send({ type: 'ping', t: 1 });
    expect(await visitorSocket.next()).toEqual({ type: 'pong', t: 1 });
  });

  it('relays an agent\'s typing to the conversation\'s visitor', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const agentSocket = track(await connect(server.baseUrl, agent));
    agentSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await visitorSocket.next(isTyping)).toEqual({ type: 'typing', conversationId: v.conversationId, by: 'agent', name: 'Alex (demo agent)', typing: true });
    agentSocket.send({ type: 'typing', conversationId: v.conversationId, typing: false });
    expect(await visitorSocket.next(isTyping)).toMatchObject({ by: 'agent', typing: false });
  });

  it('drops a second typing:true within 2 s (throttle), and relays the stop', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const agentSocket = track(await connect(server.baseUrl, agent));
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: false });
    expect(await agentSocket.next(isTyping)).toMatchObject({ typing: true });
    // Frames keep their order, so the second true would come before this false.
    expect(await agentSocket.next(isTyping)).toMatchObject({ typing: false });
  });

  it('clears an indicator that was not refreshed in time with typing:false', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const agentSocket = track(await connect(server.baseUrl, agent));
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await agentSocket.next(isTyping)).toMatchObject({ typing: true });
    expect(await agentSocket.next(isTyping)).toMatchObject({ conversationId: v.conversationId, typing: false });
  });

  it('clears the indicator when the typist sends the message', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const agentSocket = track(await connect(server.baseUrl, agent));
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await agentSocket.next(isTyping)).toMatchObject({ typing: true });
    await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'done' } });
    const next = await agentSocket.next((f) => f.type === 'typing' || f.type === 'message.created');
    expect(next).toMatchObject({ type: 'typing', typing: false });
  });

  it('ignores typing about a conversation the sender is not a party of', async () => {
    const owner = await api.visitorWithConversation();
    const stranger = await api.visitorWithConversation();
    const strangerSocket = track(await connect(server.baseUrl, stranger.token));
    const ownerSocket = track(await connect(server.baseUrl, owner.token));
    const agentSocket = track(await connect(server.baseUrl, agent));
    strangerSocket.send({ type: 'typing', conversationId: owner.conversationId, typing: true });
    strangerSocket.send({ type: 'typing', conversationId: 'conv_unknown', typing: true });
    strangerSocket.send({ type: 'typing', conversationId: stranger.conversationId, typing: true });
    // Frames of one socket are handled in order: the first relayed one is the stranger's own.
    expect(await agentSocket.next(isTyping)).toMatchObject({ conversationId: stranger.conversationId, typing: true });
    // The owner's conversation got no indicator: the owner's own start is relayed at once (no throttle entry).
    ownerSocket.send({ type: 'typing', conversationId: owner.conversationId, typing: true });
    expect(await agentSocket.next((f) => isTyping(f) && f.conversationId === owner.conversationId)).toMatchObject({ typing: true });
    expect(await agentSocket.next((f) => isTyping(f) && f.conversationId === owner.conversationId)).toMatchObject({ typing: false });
  });

  it('stops relaying a visitor\'s typing once the conversation is closed (the party check is not kept)', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const agentSocket = track(await connect(server.baseUrl, agent));
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await agentSocket.next(isTyping)).toMatchObject({ conversationId: v.conversationId, typing: true });
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: false });
    expect(await agentSocket.next(isTyping)).toMatchObject({ conversationId: v.conversationId, typing: false });
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agent });
    await visitorSocket.next((f) => f.type === 'conversation.updated' && f.conversation.status === 'closed');
    const next = await api.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
    const second = next.body.data.conversation.conversationId as string;
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    visitorSocket.send({ type: 'typing', conversationId: second, typing: true });
    expect(await agentSocket.next((f) => isTyping(f) && f.typing)).toMatchObject({ conversationId: second });
  });

  it('keeps an agent\'s indicator when the same agent\'s other socket closes', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const tabA = track(await connect(server.baseUrl, agent));
    const tabB = await connect(server.baseUrl, agent);
    tabA.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await visitorSocket.next(isTyping)).toMatchObject({ typing: true });
    tabB.close();
    await tabB.closed;
    // Inside the throttle window a refresh is not relayed, unless the close had ended the indicator.
    tabA.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    tabA.send({ type: 'typing', conversationId: v.conversationId, typing: false });
    expect(await visitorSocket.next(isTyping)).toMatchObject({ typing: false });
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent, body: { body: 'sentinel' } });
    const after = await visitorSocket.next((f) => isTyping(f) || f.type === 'message.created');
    expect(after.type).toBe('message.created');
  });
});
