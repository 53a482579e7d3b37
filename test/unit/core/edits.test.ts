import { describe, expect, it, vi } from 'vitest';
import { isRuntimeError, type Runtime } from '../../../src/index.ts';
import { bodies, startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const { runtimes } = real;

const find = (runtime: Runtime, body: string) => runtime.conversation.messages.value.find((m) => m.body === body);

describe('editing and deleting', () => {
  it('edits the visitor’s message, shown as edited here and live in the console', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Teh order is late');
    runtimes.push(runtime);
    const socket = await real.agent.listen();
    const { key } = runtime.conversation.messages.value[0]!;
    await runtime.conversation.edit(key, 'The order is late');
    expect(runtime.conversation.messages.value[0]).toMatchObject({ key, body: 'The order is late', editedAt: expect.any(String) });
    await vi.waitFor(() => expect(socket.frames.some((f) => f.type === 'message.updated' && f.message.body === 'The order is late')).toBe(true));
    expect((await real.agent.messages(id))[0]!.body).toBe('The order is late');
    socket.close();
  });

  it('deletes the visitor’s message, leaving a placeholder, and the console sees it live', async () => {
    const { runtime, id } = await startVisitor(real.server, 'My card number is 4111…');
    runtimes.push(runtime);
    const socket = await real.agent.listen();
    const { key } = runtime.conversation.messages.value[0]!;
    await runtime.conversation.remove(key);
    expect(runtime.conversation.messages.value).toHaveLength(1);
    expect(runtime.conversation.messages.value[0]).toMatchObject({ key, deleted: true, body: '' });
    await vi.waitFor(() => expect(socket.frames.some((f) => f.type === 'message.deleted' && f.conversationId === id)).toBe(true));
    socket.close();
  });

  it('shows the agent’s edits and deletes live', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Hello');
    runtimes.push(runtime);
    const one = await real.agent.send(id, 'Your order ships Mondy');
    const two = await real.agent.send(id, 'Wrong chat, sorry');
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(3));
    await real.agent.edit(id, one.messageId, 'Your order ships Monday');
    await real.agent.remove(id, two.messageId);
    await vi.waitFor(() => expect(find(runtime, 'Your order ships Monday')?.editedAt).toBeTruthy());
    await vi.waitFor(() => expect(runtime.conversation.messages.value[2]).toMatchObject({ deleted: true, body: '' }));
  });

  it('refuses to edit the agent’s message or an unknown key, with a RuntimeError', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Hello');
    runtimes.push(runtime);
    await real.agent.send(id, 'Hi!');
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(2));
    const theirs = runtime.conversation.messages.value[1]!;
    const refused = await runtime.conversation.edit(theirs.key, 'changed').catch((e: unknown) => e);
    expect(isRuntimeError(refused) && refused.code).toMatch(/MESSAGE_NOT_EDITABLE|MESSAGE_NOT_FOUND/);
    const unknown = await runtime.conversation.edit('nope', 'x').catch((e: unknown) => e);
    expect(isRuntimeError(unknown) && unknown.code).toBe('MESSAGE_NOT_FOUND');
    expect(bodies(runtime)).toEqual(['Hello', 'Hi!']);
  });

  it('drops a failed send instead of deleting it on the server', async () => {
    const { runtime } = await startVisitor(real.server, 'Hello', {
      // Sends fail for good (a 400 is not retried): the entry ends `failed`.
      fetch: (input, init) =>
        init?.method === 'POST' && String(input).endsWith('/messages') && String(init.body).includes('never')
          ? Promise.resolve(Response.json({ success: false, code: 'VALIDATION_FAILED', message: 'no' }, { status: 400 }))
          : fetch(input, init),
    });
    runtimes.push(runtime);
    await runtime.conversation.send('never sent');
    await vi.waitFor(() => expect(find(runtime, 'never sent')?.state).toBe('failed'));
    await runtime.conversation.remove(find(runtime, 'never sent')!.key);
    expect(bodies(runtime)).toEqual(['Hello']);
  });
});
