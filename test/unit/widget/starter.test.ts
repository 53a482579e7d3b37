import { afterAll, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage, createRuntime } from '../../../src/index.ts';
import type { Runtime, RuntimeStorage } from '../../../src/types.ts';
import { createStarter, type Starter } from '../../../widget/app/starter.ts';
import { useTestServer } from '../../helpers/server.ts';

// When the widget starts its runtime, against the real server; only the network is faulted
// (a `fetch` that fails while `down` is set).
describe('widget start-up', () => {
  const server = useTestServer({ log: false });
  const cleanups: Array<() => void> = [];
  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });

  function setup(options: { slug?: string; storage?: RuntimeStorage } = {}) {
    const net = { down: false, requests: 0 };
    const fetchLike: typeof fetch = (input, init) => {
      net.requests++;
      return net.down ? Promise.reject(new TypeError('Failed to fetch')) : fetch(input, init);
    };
    const runtime: Runtime = createRuntime({
      baseUrl: server.baseUrl,
      slug: options.slug ?? server.slug,
      fetch: fetchLike,
      realtime: false,
      storage: options.storage ?? createMemoryStorage(),
    });
    const win = new EventTarget() as unknown as Window;
    const starter: Starter = createStarter(runtime, win);
    cleanups.push(starter.dispose, runtime.destroy);
    return { net, runtime, starter, win };
  }

  it('retries a start-up that failed for a transient reason, by itself, without an error state', async () => {
    const { net, runtime, starter } = setup();
    net.down = true;
    starter.start();
    await vi.waitFor(() => expect(starter.retrying.value).toBe(true));
    expect(runtime.error.value).toBeNull();
    net.down = false;
    await vi.waitFor(() => expect(starter.retrying.value).toBe(false), { timeout: 5_000 });
    expect(runtime.bootstrap.value?.tenant).toBeTruthy();
  });

  it('tries again at once when the device comes back online', async () => {
    const { net, runtime, starter, win } = setup();
    net.down = true;
    starter.start();
    await vi.waitFor(() => expect(starter.retrying.value).toBe(true));
    net.down = false;
    win.dispatchEvent(new Event('online'));
    // Well before the first backoff delay (1 s) would have run it.
    await vi.waitFor(() => expect(runtime.bootstrap.value).not.toBeNull(), { timeout: 700 });
  });

  it('does not retry a fatal error, which stays on runtime.error', async () => {
    const { net, runtime, starter } = setup({ slug: 'no-such-tenant' });
    starter.start();
    await vi.waitFor(() => expect(runtime.error.value?.code).toBe('SDK_CLIENT_NOT_FOUND'));
    expect(starter.retrying.value).toBe(false);
    const seen = net.requests;
    starter.start();
    await Promise.resolve();
    expect(net.requests).toBe(seen);
  });

  it('starts at once only for a returning visitor', async () => {
    const first = setup();
    first.starter.startIfReturning();
    expect(await first.runtime.hasVisitor()).toBe(false);
    expect(first.net.requests).toBe(0);

    // Once started, the visitor credential is stored: the next page view is a returning one.
    const storage = createMemoryStorage();
    const before = setup({ storage });
    before.starter.start();
    await vi.waitFor(() => expect(before.runtime.bootstrap.value).not.toBeNull());
    await vi.waitFor(async () => expect(await before.runtime.hasVisitor()).toBe(true));
    const again = setup({ storage });
    again.starter.startIfReturning();
    await vi.waitFor(() => expect(again.runtime.bootstrap.value).not.toBeNull());
  });
});
