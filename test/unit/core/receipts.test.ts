import { describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../../../src/index.ts';
import { bodies, startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const { runtimes } = real;

/** Counts the receipt requests the runtime makes, through the real fetch. */
function receiptCounter() {
  const receipts: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (/\/(delivered|read)$/.test(url)) receipts.push(url.split('/').slice(-2).join('/'));
    return globalThis.fetch(input, init);
  };
  return { receipts, fetch };
}

describe('receipts the visitor sends', () => {
  it('marks a burst of agent messages delivered with one request, and read with one more when the visitor looks', async () => {
    const counter = receiptCounter();
    const { runtime, id } = await startVisitor(real.server, 'Hi', { fetch: counter.fetch });
    runtimes.push(runtime);
    const sent = await Promise.all(['One', 'Two', 'Three'].map((body) => real.agent.send(id, body)));
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(4));
    const newest = sent.reduce((a, b) => (a.seq > b.seq ? a : b));

    await vi.waitFor(async () => expect((await real.agent.messages(id)).every((m) => m.senderType === 'visitor' || m.deliveredAt)).toBe(true));
    expect(counter.receipts).toEqual([`${newest.messageId}/delivered`]);
    expect((await real.agent.messages(id)).some((m) => m.readAt)).toBe(false);

    runtime.setVisible(true);
    await vi.waitFor(async () => expect((await real.agent.messages(id)).filter((m) => m.senderType === 'agent').every((m) => m.readAt)).toBe(true));
    expect(counter.receipts).toEqual([`${newest.messageId}/delivered`, `${newest.messageId}/read`]);
  });

  it('marks a message read straight away when it arrives while the visitor is looking', async () => {
    const counter = receiptCounter();
    const { runtime, id } = await startVisitor(real.server, 'Hello', { fetch: counter.fetch });
    runtimes.push(runtime);
    runtime.setVisible(true);
    const reply = await real.agent.send(id, 'Hi there');
    await vi.waitFor(async () => expect((await real.agent.messages(id)).find((m) => m.messageId === reply.messageId)?.readAt).toBeTruthy());
    // Read covers delivered: one request.
    expect(counter.receipts).toEqual([`${reply.messageId}/read`]);
  });

  it('sends read up to the newest seen and delivered up to the newest arrived when both wait', async () => {
    const counter = receiptCounter();
    const { runtime, id } = await startVisitor(real.server, 'Hi', { fetch: counter.fetch });
    runtimes.push(runtime);
    // The visitor glances at "Seen" the moment it arrives, then looks away before "Unseen" comes
    // (both within one burst): "Seen" is read, "Unseen" only delivered.
    const stop = runtime.conversation.messages.subscribe((list) => {
      if (list.at(-1)?.body !== 'Seen') return;
      runtime.setVisible(true);
      runtime.setVisible(false);
    });
    const seen = await real.agent.send(id, 'Seen');
    const unseen = await real.agent.send(id, 'Unseen');
    stop();
    const onServer = async () => (await real.agent.messages(id)).filter((m) => m.senderType === 'agent');
    await vi.waitFor(async () => expect((await onServer()).map((m) => [m.body, !!m.deliveredAt, !!m.readAt])).toEqual([['Seen', true, true], ['Unseen', true, false]]));
    expect(counter.receipts.sort()).toEqual([`${seen.messageId}/read`, `${unseen.messageId}/delivered`].sort());
  });
});

describe('ticks on the visitor’s own messages', () => {
  it('go from sent to delivered to read as the agent side confirms them, and stay on a reload', async () => {
    const storage = createMemoryStorage();
    const { runtime, id } = await startVisitor(real.server, 'First', { storage });
    runtimes.push(runtime);
    await runtime.conversation.send('Second');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['sent', 'sent']));
    const [first, second] = runtime.conversation.messages.value;

    await real.agent.receipt(id, first!.id, 'delivered');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['delivered', 'sent']));
    // Unchanged messages keep their object (memoised views do not re-render).
    expect(runtime.conversation.messages.value[1]).toBe(second);

    await real.agent.receipt(id, second!.id, 'read');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['read', 'read']));

    // The next page load reads the same ticks from history.
    runtime.destroy();
    const { runtime: again } = await startVisitor(real.server, undefined, { storage });
    runtimes.push(again);
    expect(again.conversation.messages.value.map((m) => m.state)).toEqual(['read', 'read']);
  });
});
