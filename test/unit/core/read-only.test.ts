/**
 * A verified visitor on a second device sees the conversations of the first one (listed by
 * `conversations.list()`), but the server lets only the device that started one write in it:
 * the runtime shows them read-only, refuses writes clearly, never sends elsewhere, sends no receipts.
 */
import { describe, expect, it, vi } from 'vitest';
import { isRuntimeError } from '../../../src/index.ts';
import { bodies, startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const { runtimes } = real;

async function contextToken(externalId: string): Promise<string> {
  const response = await fetch(`${real.server.baseUrl}/server/visitor-context-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${real.server.serverApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ visitor: { externalId, name: 'Ada' } }),
  });
  return ((await response.json()) as { data: { token: string } }).data.token;
}

const code = (e: unknown) => (isRuntimeError(e) ? e.code : e);

describe('another device’s conversation', () => {
  it('is read-only: send, edit and rate are refused, nothing is posted anywhere, no receipts go out', async () => {
    const token = await contextToken(`device-test-${Date.now()}`);
    const { runtime: laptop, id } = await startVisitor(real.server, 'From the laptop', { contextToken: token });
    runtimes.push(laptop);
    await real.agent.send(id, 'Hello Ada');

    const requests: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return globalThis.fetch(input, init);
    };
    const { runtime: phone } = await startVisitor(real.server, undefined, { contextToken: token, fetch });
    runtimes.push(phone);
    expect((await phone.conversations.list()).map((c) => c.conversationId)).toContain(id);
    await phone.conversations.open(id);
    expect(bodies(phone)).toEqual(['From the laptop', 'Hello Ada']);
    expect(phone.conversation.readOnly.value).toBe(true);
    phone.setVisible(true);

    const writes = requests.length;
    expect(code(await phone.conversation.send('From the phone').catch((e: unknown) => e))).toBe('CONVERSATION_NOT_FOUND');
    const mine = phone.conversation.messages.value[0]!.key;
    expect(code(await phone.conversation.edit(mine, 'Edited').catch((e: unknown) => e))).toBe('CONVERSATION_NOT_FOUND');
    await real.agent.close(id);
    await vi.waitFor(async () => {
      await phone.conversations.open(id);
      expect(phone.conversation.closed.value).toBe(true);
    });
    expect(code(await phone.conversation.rate(5).catch((e: unknown) => e))).toBe('CONVERSATION_NOT_FOUND');
    expect(requests.slice(writes).filter((r) => !r.startsWith('GET'))).toEqual([]);
    expect((await real.agent.messages(id)).map((m) => m.body)).toEqual(['From the laptop', 'Hello Ada']);
    expect((await real.agent.messages(id)).some((m) => m.readAt)).toBe(false);

    // Its own new conversation is writable.
    await phone.conversation.startNew();
    expect(phone.conversation.readOnly.value).toBe(false);
    await phone.conversation.send('From the phone');
    await vi.waitFor(() => expect(phone.conversation.messages.value.map((m) => m.state)).toEqual(['sent']));
    expect(phone.conversation.id.value).not.toBe(id);
  });
});
