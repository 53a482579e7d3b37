import { describe, expect, it, vi } from 'vitest';
import { createMemoryStorage, isRuntimeError } from '../../../src/index.ts';
import { bodies, startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const { runtimes } = real;

const visitor = async (...args: Parameters<typeof startVisitor> extends [unknown, ...infer R] ? R : never) => {
  const started = await startVisitor(real.server, ...args);
  runtimes.push(started.runtime);
  return started;
};

describe('long histories', () => {
  it('loads the latest page first and earlier pages on demand, without duplicates', async () => {
    const storage = createMemoryStorage();
    const { runtime, id } = await visitor('Message 1', { storage });
    for (let i = 2; i <= 120; i++) await real.agent.send(id, `Message ${i}`);
    runtime.destroy();

    const { runtime: again } = await visitor(undefined, { storage });
    const seqs = () => again.conversation.messages.value.map((m) => m.seq);
    expect(seqs()).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(again.conversation.hasOlder.value).toBe(true);

    // Two calls at once (a scroll handler firing twice) read one page.
    await Promise.all([again.conversation.loadOlder(), again.conversation.loadOlder()]);
    expect(seqs()).toEqual(Array.from({ length: 100 }, (_, i) => 21 + i));
    await again.conversation.loadOlder();
    expect(seqs()).toEqual(Array.from({ length: 120 }, (_, i) => 1 + i));
    expect(again.conversation.hasOlder.value).toBe(false);
    await again.conversation.loadOlder();
    expect(bodies(again)).toHaveLength(120);
  });
});

describe('closing, rating and starting again', () => {
  it('shows the conversation as ended, takes one rating the console sees, and starts a new one without losing the old', async () => {
    const { runtime, id } = await visitor('Thanks for the help');
    expect(runtime.conversation.closed.value).toBe(false);
    await real.agent.close(id);
    await vi.waitFor(() => expect(runtime.conversation.closed.value).toBe(true));

    await runtime.conversation.rate(5, 'Quick and kind');
    expect(runtime.conversation.info.value?.rating).toBe(5);
    expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ messageType: 'rating', metadata: { rating: 5, comment: 'Quick and kind' } });
    expect((await real.agent.messages(id)).at(-1)).toMatchObject({ messageType: 'rating', metadata: { rating: 5 } });
    const again = await runtime.conversation.rate(1).catch((e: unknown) => e);
    expect(isRuntimeError(again) && again.code).toBe('RATING_NOT_ALLOWED');

    await runtime.conversation.startNew();
    expect(runtime.conversation.id.value).toBeNull();
    expect(runtime.conversation.messages.value).toEqual([]);
    expect(runtime.conversation.closed.value).toBe(false);
    await runtime.conversation.send('One more question');
    await vi.waitFor(() => expect(runtime.conversation.id.value).not.toBeNull());
    expect(runtime.conversation.id.value).not.toBe(id);

    // Past conversations: both, newest first; the old one opens read-only.
    const list = await runtime.conversations.list();
    expect(list.map((c) => c.conversationId)).toEqual([runtime.conversation.id.value, id]);
    const current = runtime.conversation.id.value!;
    await runtime.conversations.open(id);
    expect(runtime.conversation.id.value).toBe(id);
    expect(runtime.conversation.closed.value).toBe(true);
    expect(bodies(runtime)).toEqual(['Thanks for the help', 'Quick and kind']);
    // A reply in the open one does not take the past one away. The socket keeps frame order, so
    // once the later receipt frame shows, the reply's frames have been handled.
    await real.agent.send(current, 'Sure, ask away');
    await real.agent.receipt(id, runtime.conversation.messages.value[0]!.id, 'read');
    await vi.waitFor(() => expect(runtime.conversation.messages.value[0]?.state).toBe('read'));
    expect(runtime.conversation.id.value).toBe(id);
    // And back to the open one to continue it.
    await runtime.conversations.open(current);
    expect(runtime.conversation.closed.value).toBe(false);
    await vi.waitFor(() => expect(bodies(runtime)).toEqual(['One more question', 'Sure, ask away']));
  });

  it('refuses to rate an open conversation', async () => {
    const { runtime } = await visitor('Still talking');
    const refused = await runtime.conversation.rate(4).catch((e: unknown) => e);
    expect(isRuntimeError(refused) && refused.code).toBe('RATING_NOT_ALLOWED');
  });
});

describe('availability and identity', () => {
  it('reads availability at start and follows the agents’ presence live', async () => {
    const { runtime } = await visitor();
    expect(runtime.availability.value?.state).toMatch(/online|away|offline/);
    await real.agent.presence('available');
    await vi.waitFor(() => expect(runtime.availability.value).toMatchObject({ available: true, state: 'online' }));
    await real.agent.presence('offline');
    await vi.waitFor(() => expect(runtime.availability.value?.available).toBe(false));
    await real.agent.presence('available');
  });

  it('tells agents who the visitor is, marked unverified', async () => {
    const { runtime, id } = await visitor('Hello');
    await runtime.identify({ name: 'Ada Lovelace', email: 'ada@example.com' });
    await vi.waitFor(async () => expect(await real.agent.conversation(id)).toMatchObject({ visitorName: 'Ada Lovelace', visitorEmail: 'ada@example.com' }));
    expect((await real.agent.conversation(id)).visitorVerified).not.toBe(true);
    const bad = await runtime.identify({ email: 'not an email' }).catch((e: unknown) => e);
    expect(isRuntimeError(bad) && bad.code).toBe('VALIDATION_FAILED');
  });
});
