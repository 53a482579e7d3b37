import { afterEach, describe, expect, it, vi } from 'vitest';
import { TYPING_IDLE_MS, TYPING_THROTTLE_MS, createTyping } from '../../../src/typing.ts';
import { startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';

describe('the visitor’s typing frames (fake clock)', () => {
  afterEach(() => void vi.useRealTimers());
  const typingWith = () => {
    vi.useFakeTimers();
    const sent: boolean[] = [];
    return { sent, typing: createTyping((on) => sent.push(on)) };
  };

  it('sends at most one frame per 2 s while the visitor keeps typing', () => {
    const { sent, typing } = typingWith();
    for (let ms = 0; ms < 4_500; ms += 100) {
      typing.set(true);
      vi.advanceTimersByTime(100);
    }
    expect(TYPING_THROTTLE_MS).toBe(2_000);
    // At 0, 2000 and 4000 ms.
    expect(sent).toEqual([true, true, true]);
  });

  it('sends a stop after 5 s without typing, once', () => {
    const { sent, typing } = typingWith();
    typing.set(true);
    vi.advanceTimersByTime(TYPING_IDLE_MS - 1);
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, false]);
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([true, false]);
  });

  it('sends a stop when the visitor clears the input, and nothing when they were not typing', () => {
    const { sent, typing } = typingWith();
    typing.set(false);
    expect(sent).toEqual([]);
    typing.set(true);
    typing.set(false);
    expect(sent).toEqual([true, false]);
  });

  it('ends without a frame when a message is sent (the server tells the agent), and starts again on the next key', () => {
    const { sent, typing } = typingWith();
    typing.set(true);
    vi.advanceTimersByTime(500);
    typing.sent();
    vi.advanceTimersByTime(TYPING_IDLE_MS);
    expect(sent).toEqual([true]);
    typing.set(true);
    expect(sent).toEqual([true, true]);
  });

  it('drops the agent’s indicator when no refresh comes', () => {
    const { typing } = typingWith();
    typing.receive({ type: 'typing', conversationId: 'c', by: 'agent', name: 'Dana', typing: true });
    expect(typing.typing.value).toEqual({ name: 'Dana' });
    vi.advanceTimersByTime(60_000);
    expect(typing.typing.value).toBeNull();
  });
});

describe('typing against the real server', () => {
  const real = useRealServer();
  const { runtimes } = real;

  it('shows the visitor typing in the console and clears it when they send', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Hi');
    runtimes.push(runtime);
    const socket = await real.agent.listen();
    const typingFrames = () => socket.frames.filter((f) => f.type === 'typing' && f.conversationId === id).map((f) => f.type === 'typing' && f.typing);
    runtime.conversation.setTyping(true);
    runtime.conversation.setTyping(true);
    await vi.waitFor(() => expect(typingFrames()).toEqual([true]));
    await runtime.conversation.send('Here is my question');
    await vi.waitFor(() => expect(typingFrames()).toEqual([true, false]));
    socket.close();
  });

  it('shows the agent typing to the visitor, with the agent’s name, and clears it', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Hi');
    runtimes.push(runtime);
    const socket = await real.agent.listen();
    socket.send({ type: 'typing', conversationId: id, typing: true });
    await vi.waitFor(() => expect(runtime.conversation.typing.value).not.toBeNull());
    expect(runtime.conversation.typing.value?.name).toBeTruthy();
    socket.send({ type: 'typing', conversationId: id, typing: false });
    await vi.waitFor(() => expect(runtime.conversation.typing.value).toBeNull());
    socket.close();
  });
});
