/** The typing relay's timing rules with fake timers: throttle, idle clear, stop, disconnect. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TypingFrame, type TypingSender, createTypingRelay } from '../../../demo/server/realtime/typing.ts';

const visitor: TypingSender = { role: 'visitor', tenantId: 't1', subject: 'vis_1', name: 'Ana' };
const target = { conversationId: 'conv_1', visitorId: 'vis_1' };

let frames: Array<{ to: string; frame: TypingFrame }>;
let relay: ReturnType<typeof createTypingRelay>;

beforeEach(() => {
  vi.useFakeTimers();
  frames = [];
  relay = createTypingRelay({
    throttleMs: 2000,
    timeoutMs: 5000,
    deliver: (to, frame) => frames.push({ to: to.role === 'agent' ? `agents of ${to.tenantId}` : `visitor ${to.visitorId}`, frame }),
  });
});
afterEach(() => {
  relay.dispose();
  vi.useRealTimers();
});

const typed = () => frames.map((f) => f.frame.typing);

describe('typing relay', () => {
  it('relays one typing:true per 2 s however often the sender types', () => {
    relay.update(visitor, target, true);
    vi.advanceTimersByTime(500);
    relay.update(visitor, target, true);
    vi.advanceTimersByTime(1000);
    relay.update(visitor, target, true);
    expect(typed()).toEqual([true]);
    vi.advanceTimersByTime(500);
    relay.update(visitor, target, true);
    expect(typed()).toEqual([true, true]);
    expect(frames[0]).toEqual({
      to: 'agents of t1',
      frame: { type: 'typing', conversationId: 'conv_1', by: 'visitor', name: 'Ana', typing: true },
    });
  });

  it('clears after 5 s without a refresh, and a refresh keeps it alive', () => {
    relay.update(visitor, target, true);
    vi.advanceTimersByTime(1500);
    relay.update(visitor, target, true); // dropped by the throttle, but refreshes the indicator
    vi.advanceTimersByTime(4900);
    expect(typed()).toEqual([true]);
    vi.advanceTimersByTime(100);
    expect(typed()).toEqual([true, false]);
    vi.advanceTimersByTime(60_000);
    expect(typed()).toEqual([true, false]);
  });

  it('relays a stop once, and a stop without a start not at all', () => {
    relay.update(visitor, target, false);
    expect(frames).toEqual([]);
    relay.update(visitor, target, true);
    relay.update(visitor, target, false);
    relay.update(visitor, target, false);
    expect(typed()).toEqual([true, false]);
    // After a stop the next start is relayed at once, throttle or not.
    relay.update(visitor, target, true);
    expect(typed()).toEqual([true, false, true]);
  });

  it('sends an agent\'s typing to the conversation\'s visitor, and clears on send and on disconnect', () => {
    const agent: TypingSender = { role: 'agent', tenantId: 't1', subject: 'agent-1', name: 'Alex' };
    const socket = {};
    relay.update(agent, target, true, socket);
    relay.messageSent('agent', 'agent-1', 'conv_1');
    relay.update(agent, { conversationId: 'conv_2', visitorId: 'vis_2' }, true, socket);
    relay.disconnected(socket);
    expect(frames.map((f) => [f.to, f.frame.conversationId, f.frame.typing])).toEqual([
      ['visitor vis_1', 'conv_1', true],
      ['visitor vis_1', 'conv_1', false],
      ['visitor vis_2', 'conv_2', true],
      ['visitor vis_2', 'conv_2', false],
    ]);
  });

  it('on a socket\'s close clears only what that socket was typing, not the same agent\'s other tab', () => {
    const agent: TypingSender = { role: 'agent', tenantId: 't1', subject: 'agent-1', name: 'Alex' };
    const tabA = {};
    const tabB = {};
    relay.update(agent, target, true, tabA);
    relay.update(agent, { conversationId: 'conv_2', visitorId: 'vis_2' }, true, tabB);
    relay.disconnected(tabA);
    expect(frames.map((f) => [f.frame.conversationId, f.frame.typing])).toEqual([
      ['conv_1', true],
      ['conv_2', true],
      ['conv_1', false],
    ]);
    vi.advanceTimersByTime(1000);
    relay.disconnected(tabA);
    expect(frames).toHaveLength(3); // conv_2 is still shown: tab B is typing there
    relay.disconnected(tabB);
    expect(frames.map((f) => [f.frame.conversationId, f.frame.typing]).at(-1)).toEqual(['conv_2', false]);
  });
});
