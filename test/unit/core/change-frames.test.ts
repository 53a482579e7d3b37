/**
 * `message.updated` / `message.deleted` frames for a message the timeline does not hold (older
 * than its first page) are not new messages: no unread, no `message` event, and `loadOlder`
 * still reads everything before the oldest held one.
 */
import { describe, expect, it, vi } from 'vitest';
import { createMemoryStorage, type Message } from '../../../src/index.ts';
import { bodies, startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const { runtimes } = real;

describe('changes to messages not loaded', () => {
  it('are neither counted as new nor taken as the oldest held message', async () => {
    const storage = createMemoryStorage();
    const { runtime: first, id } = await startVisitor(real.server, 'Hi', { storage });
    runtimes.push(first);
    const sent: Message[] = [];
    // More than the first page (50): the oldest ones are only read on demand.
    for (let n = 1; n <= 55; n++) sent.push(await real.agent.send(id, `Reply ${n}`));
    first.destroy();

    const { runtime } = await startVisitor(real.server, undefined, { storage });
    runtimes.push(runtime);
    expect(runtime.conversation.hasOlder.value).toBe(true);
    const loaded = bodies(runtime);
    const unread = runtime.unread.value;
    const events: string[] = [];
    runtime.on('message', (m) => events.push(m.body));

    await real.agent.edit(id, sent[0]!.messageId, 'Reply 1, edited');
    await real.agent.remove(id, sent[1]!.messageId);
    // Frames come in order: once this one is shown, the two changes were handled.
    await real.agent.send(id, 'Barrier');
    await vi.waitFor(() => expect(bodies(runtime).at(-1)).toBe('Barrier'));
    expect(bodies(runtime)).toEqual([...loaded, 'Barrier']);
    expect(runtime.unread.value).toBe(unread + 1);
    expect(events).toEqual(['Barrier']);

    while (runtime.conversation.hasOlder.value) await runtime.conversation.loadOlder();
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual(Array.from({ length: 57 }, (_, n) => n + 1));
    expect(bodies(runtime).slice(0, 3)).toEqual(['Hi', 'Reply 1, edited', '']);
  });
});
