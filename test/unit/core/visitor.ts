/** A started visitor runtime against the real server, with its first message sent and the socket up. */
import { expect, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, type Runtime, type RuntimeOptions } from '../../../src/index.ts';
import type { TestServer } from '../../helpers/server.ts';

export const bodies = (runtime: Runtime) => runtime.conversation.messages.value.map((m) => m.body);

/** A runtime (destroy it after the test), started; with `first`, that message is sent and confirmed. */
export async function startVisitor(server: TestServer, first?: string, options: Partial<RuntimeOptions> = {}) {
  const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket, storage: createMemoryStorage(), ...options });
  await runtime.start();
  await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
  if (first !== undefined) {
    await runtime.conversation.send(first);
    await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)?.state).toBe('sent'));
  }
  return { runtime, id: runtime.conversation.id.value! };
}
