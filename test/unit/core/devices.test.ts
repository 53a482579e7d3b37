import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createRuntime, isRuntimeError, type RuntimeError } from '../../../src/index.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const fcmToken = (n: number) => `fQ7${n}:APA91b${'Xy_z-09'.repeat(22)}`;
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => {
      if (!isRuntimeError(e)) throw e;
      return e as RuntimeError;
    },
  );

function visitor() {
  const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, storage: createMemoryStorage(), realtime: false });
  real.runtimes.push(runtime);
  return runtime;
}

describe('runtime.devices', () => {
  it('registers a push token without starting the runtime (a session is enough)', async () => {
    const runtime = visitor();
    const device = await runtime.devices.register({ platform: 'android', token: fcmToken(1), deviceId: 'install-a', appId: 'com.acme.shop' });
    expect(device).toMatchObject({ platform: 'android', provider: 'fcm', deviceId: 'install-a', appId: 'com.acme.shop', enabled: true });
    expect(runtime.status.value).toBe('idle');
  });

  it('unregisters on sign-out: how many were enabled, then 0 when repeated', async () => {
    const runtime = visitor();
    await runtime.devices.register({ platform: 'ios', provider: 'apns', token: 'ab'.repeat(32), deviceId: 'iphone' });
    await runtime.devices.register({ platform: 'ios', provider: 'apns_voip', token: 'cd'.repeat(32), deviceId: 'iphone' });
    expect(await runtime.devices.unregister({ deviceId: 'iphone' })).toBe(2);
    expect(await runtime.devices.unregister({ deviceId: 'iphone' })).toBe(0);
  });

  it('rejects a token that is not one with SDK_DEVICE_TOKEN_INVALID', async () => {
    const error = await failure(visitor().devices.register({ platform: 'ios', provider: 'apns', token: 'not-a-token' }));
    expect(error).toMatchObject({ code: 'SDK_DEVICE_TOKEN_INVALID', status: 400 });
  });

  it("cannot disable another visitor's token: SDK_DEVICE_TOKEN_UNREGISTER_FAILED, and the owner still can", async () => {
    const owner = visitor();
    const other = visitor();
    await owner.devices.register({ platform: 'android', token: fcmToken(2) });
    const error = await failure(other.devices.unregister({ token: fcmToken(2) }));
    expect(error).toMatchObject({ code: 'SDK_DEVICE_TOKEN_UNREGISTER_FAILED', status: 404 });
    expect(await owner.devices.unregister({ token: fcmToken(2) })).toBe(1);
  });

  it('keeps the visitor: the token follows the same session as the chat', async () => {
    const storage = createMemoryStorage();
    const first = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, storage, realtime: false });
    real.runtimes.push(first);
    await first.devices.register({ platform: 'android', token: fcmToken(3) });
    // The app restarts: a new runtime on the same storage is the same visitor and reaches its token.
    const again = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, storage, realtime: false });
    real.runtimes.push(again);
    expect(await again.devices.unregister({ token: fcmToken(3) })).toBe(1);
  });

  it('renews an expired session once and repeats the unregister with the new token', async () => {
    const tokens: string[] = [];
    let expireNext = false;
    // The server is real; only its verdict on one request is faked (an expired token).
    const fetch: typeof globalThis.fetch = async (input, init) => {
      if (init?.method === 'DELETE') {
        tokens.push(new Headers(init.headers).get('X-Ringnity-SDK-Session') ?? '');
        if (expireNext) {
          expireNext = false;
          return Response.json({ success: false, code: 'TOKEN_EXPIRED', message: 'The session token has expired.' }, { status: 401 });
        }
      }
      return globalThis.fetch(input, init);
    };
    const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, storage: createMemoryStorage(), realtime: false, fetch });
    real.runtimes.push(runtime);
    await runtime.devices.register({ platform: 'android', token: fcmToken(4), deviceId: 'renewed' });
    expireNext = true;
    expect(await runtime.devices.unregister({ deviceId: 'renewed' })).toBe(1);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).not.toBe(tokens[0]);
  });
});
