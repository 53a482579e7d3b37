/**
 * Editing, deleting, rating and paging back live in a chunk (`src/conversation-ops.ts`) loaded
 * on first use. A load that fails (the network dropped, a deploy replaced the file) fails only
 * that operation, with a retryable `NETWORK_ERROR` naming the code, and changes nothing; the
 * next call loads the chunk again. Real server; only the chunk's loading is made to fail once.
 */
import { describe, expect, it, vi } from 'vitest';
import { isRuntimeError } from '../../../src/index.ts';
import { useRealServer } from './real-server.ts';
import { startVisitor } from './visitor.ts';

const load = vi.hoisted(() => ({ failures: 0 }));
vi.mock('../../../src/conversation-ops.ts', async (importOriginal) => {
  if (load.failures > 0) {
    load.failures--;
    throw new TypeError('Failed to fetch dynamically imported module');
  }
  return importOriginal();
});

const real = useRealServer();

describe('the conversation operations chunk', () => {
  it('fails an edit with a retryable NETWORK_ERROR when it cannot load, and loads on the next try', async () => {
    const { runtime } = await startVisitor(real.server, 'Teh order is late');
    real.runtimes.push(runtime);
    const { key } = runtime.conversation.messages.value[0]!;
    load.failures = 1;
    const error = await runtime.conversation.edit(key, 'The order is late').catch((e: unknown) => e);
    expect(isRuntimeError(error) && error.code).toBe('NETWORK_ERROR');
    expect(isRuntimeError(error) && error.retryable).toBe(true);
    expect((error as Error).message).toContain('Expected the conversation code to load');
    expect(runtime.conversation.messages.value[0]).toMatchObject({ key, body: 'Teh order is late' });
    expect(runtime.conversation.messages.value[0]!.editedAt).toBeUndefined();

    await runtime.conversation.edit(key, 'The order is late');
    expect(runtime.conversation.messages.value[0]).toMatchObject({ key, body: 'The order is late', editedAt: expect.any(String) });
  });
});
