import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { client } from './support.ts';

let server: TestServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startTestServer();
  api = client(server);
});
afterAll(() => server?.close());

const PATH = '/sdk/devices/push-token';
let n = 0;
/** A token shaped like a real FCM registration token, different on every call. */
const fcmToken = () => `cQ3kT${++n}x:APA91bH${'k9Zr_f-2'.repeat(18)}`;
const apnsToken = () => (++n).toString(16).padStart(64, 'a');
const register = (token: string, body: Record<string, unknown>) => api.call('POST', PATH, { token, body });
const unregister = (token: string, body: Record<string, unknown>) => api.call('DELETE', PATH, { token, body });

describe('POST /sdk/devices/push-token', () => {
  it('registers a token and answers the device without echoing the token', async () => {
    const v = await api.newVisitor();
    const token = fcmToken();
    const res = await register(v.token, { platform: 'android', token, deviceId: 'install-1', appId: 'com.acme.shop', externalId: 'cust-9' });
    expect(res.status).toBe(201);
    const device = res.body.data.device;
    expectMatchesSchema('DevicePushToken', device);
    expect(device).toMatchObject({ platform: 'android', provider: 'fcm', audience: 'visitor', callMode: 'basic', deviceId: 'install-1', appId: 'com.acme.shop', externalId: 'cust-9', enabled: true });
    expect(device.id).toMatch(/^dev_/);
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('refreshes the same token in place (same id) and enables it again after a sign-out', async () => {
    const v = await api.newVisitor();
    const token = apnsToken();
    const first = (await register(v.token, { platform: 'ios', provider: 'apns', token, deviceId: 'phone' })).body.data.device;
    expect((await unregister(v.token, { token })).body.data).toEqual({ disabled: 1 });
    const again = await register(v.token, { platform: 'ios', provider: 'apns', token, deviceId: 'phone', callMode: 'native-phone' });
    expect(again.status).toBe(201);
    expect(again.body.data.device).toMatchObject({ id: first.id, enabled: true, callMode: 'native-phone' });
  });

  it('disables the older token of the same install when the push service rotates it', async () => {
    const v = await api.newVisitor();
    const old = fcmToken();
    await register(v.token, { platform: 'android', token: old, deviceId: 'install-rot' });
    await register(v.token, { platform: 'android', token: fcmToken(), deviceId: 'install-rot' });
    // The old token was already disabled by the rotation: nothing left to disable.
    expect((await unregister(v.token, { token: old })).body.data).toEqual({ disabled: 0 });
  });

  it('moves a token to the visitor who registers it last (a shared phone, another sign-in)', async () => {
    const first = await api.newVisitor();
    const second = await api.newVisitor();
    const token = fcmToken();
    const a = (await register(first.token, { platform: 'react_native', token })).body.data.device;
    const b = (await register(second.token, { platform: 'react_native', token })).body.data.device;
    expect(b.id).toBe(a.id);
    // The first visitor no longer holds it: the same 404 as for a token never seen.
    const foreign = await unregister(first.token, { token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('SDK_DEVICE_TOKEN_UNREGISTER_FAILED');
    expect((await unregister(second.token, { token })).body.data).toEqual({ disabled: 1 });
  });

  it('refuses a malformed token with SDK_DEVICE_TOKEN_INVALID and stores nothing', async () => {
    const v = await api.newVisitor();
    const bad = await register(v.token, { platform: 'ios', provider: 'apns', token: 'not hex at all', deviceId: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, code: 'SDK_DEVICE_TOKEN_INVALID' });
    expect(bad.body.message).toContain('apns');
    expect((await unregister(v.token, { deviceId: 'x' })).status).toBe(404);
  });

  it('refuses bodies that break the contract with VALIDATION_FAILED naming the field', async () => {
    const v = await api.newVisitor();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ token: fcmToken() }, 'platform: is required'],
      [{ platform: 'windows', token: fcmToken() }, 'platform: must be equal to one of the allowed values'],
      [{ platform: 'android', token: fcmToken(), provider: 'hms' }, 'provider:'],
      [{ platform: 'android', token: fcmToken(), deviceId: 'd'.repeat(201) }, 'deviceId: must be 1 to 200 characters'],
      [{ platform: 'android', token: fcmToken(), metadata: { blob: 'x'.repeat(5000) } }, 'metadata:'],
    ];
    for (const [body, detail] of cases) {
      const res = await register(v.token, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details?.join('\n')).toContain(detail);
    }
  });

  it('does not let a visitor session register staff tokens', async () => {
    const v = await api.newVisitor();
    for (const body of [{ audience: 'agent' }, { agentId: 'agent-demo' }]) {
      const res = await register(v.token, { platform: 'android', token: fcmToken(), ...body });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('SERVER_API_SCOPE_DENIED');
    }
  });

  it('needs a visitor session', async () => {
    const res = await api.call('POST', PATH, { body: { platform: 'android', token: fcmToken() } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SDK_SESSION_REQUIRED');
  });
});

describe('DELETE /sdk/devices/push-token', () => {
  it('disables every token of one install by deviceId and is idempotent', async () => {
    const v = await api.newVisitor();
    await register(v.token, { platform: 'ios', provider: 'apns', token: apnsToken(), deviceId: 'iphone' });
    await register(v.token, { platform: 'ios', provider: 'apns_voip', token: apnsToken(), deviceId: 'iphone' });
    const res = await unregister(v.token, { deviceId: 'iphone' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ disabled: 2 });
    expect((await unregister(v.token, { deviceId: 'iphone' })).body.data).toEqual({ disabled: 0 });
  });

  it('narrows by provider when one is given', async () => {
    const v = await api.newVisitor();
    await register(v.token, { platform: 'ios', provider: 'apns', token: apnsToken(), deviceId: 'ipad' });
    await register(v.token, { platform: 'ios', provider: 'apns_voip', token: apnsToken(), deviceId: 'ipad' });
    expect((await unregister(v.token, { deviceId: 'ipad', provider: 'apns_voip' })).body.data).toEqual({ disabled: 1 });
    expect((await unregister(v.token, { deviceId: 'ipad' })).body.data).toEqual({ disabled: 1 });
  });

  it("answers another visitor's token exactly like an unknown one, and leaves it enabled", async () => {
    const owner = await api.newVisitor();
    const intruder = await api.newVisitor();
    const token = fcmToken();
    await register(owner.token, { platform: 'android', token, deviceId: 'owned' });
    const byToken = await unregister(intruder.token, { token });
    const byDevice = await unregister(intruder.token, { deviceId: 'owned' });
    const unknown = await unregister(intruder.token, { token: fcmToken() });
    for (const res of [byToken, byDevice, unknown]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('SDK_DEVICE_TOKEN_UNREGISTER_FAILED');
    }
    expect(byToken.body.message).toBe(unknown.body.message);
    // Still the owner's, still enabled.
    expect((await unregister(owner.token, { token })).body.data).toEqual({ disabled: 1 });
  });

  it('needs a deviceId or a token', async () => {
    const v = await api.newVisitor();
    const res = await unregister(v.token, { provider: 'fcm' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
