import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { client, useContractServer } from './support.ts';
import { type RunningServer, createServer } from '../../demo/server/app.ts';
import { DEMO_SERVER_API_KEY } from '../../demo/server/config.ts';


const { server, api } = useContractServer();

const PATH = '/sdk/devices/push-token';
let n = 0;
/** A token shaped like a real FCM registration token, different on every call. */
const fcmToken = () => `cQ3kT${++n}x:APA91bH${'k9Zr_f-2'.repeat(18)}`;
const apnsToken = () => (++n).toString(16).padStart(64, 'a');
const register = (token: string, body: Record<string, unknown>) => api.call('POST', PATH, { token, body });
const unregister = (token: string, body: Record<string, unknown>) => api.call('DELETE', PATH, { token, body });

/** A visitor signed in through a context token "the customer's backend" minted for `externalId`. */
async function signedIn(externalId: string) {
  const minted = await api.call('POST', '/server/visitor-context-token', {
    headers: { authorization: `Bearer ${server.serverApiKey}` },
    body: { visitor: { externalId } },
  });
  const res = await api.call('POST', '/sdk/session', { body: { slug: server.slug, contextToken: minted.body.data.token } });
  expect(res.status).toBe(201);
  return { token: res.body.data.sessionToken as string };
}

describe('POST /sdk/devices/push-token', () => {
  it('registers a token and answers the device without echoing the token', async () => {
    const v = await api.newVisitor();
    const token = fcmToken();
    const res = await register(v.token, { platform: 'android', token, deviceId: 'install-1', appId: 'com.acme.shop' });
    expect(res.status).toBe(201);
    const device = res.body.data.device;
    expectMatchesSchema('DevicePushToken', device);
    expect(device).toMatchObject({ platform: 'android', provider: 'fcm', audience: 'visitor', callMode: 'basic', deviceId: 'install-1', appId: 'com.acme.shop', enabled: true });
    expect(device.externalId).toBeUndefined();
    expect(device.id).toMatch(/^dev_/);
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('registers for a signed-in customer with the externalId of their context token only', async () => {
    const customer = await signedIn('cust-9');
    const implied = await register(customer.token, { platform: 'ios', provider: 'apns', token: apnsToken(), audience: 'customer' });
    expect(implied.status).toBe(201);
    expect(implied.body.data.device).toMatchObject({ audience: 'customer', externalId: 'cust-9' });
    const same = await register(customer.token, { platform: 'ios', provider: 'apns', token: apnsToken(), audience: 'customer', externalId: 'cust-9' });
    expect(same.body.data.device).toMatchObject({ audience: 'customer', externalId: 'cust-9' });
    // Someone else's customer id, even from a signed-in visitor: refused, nothing stored.
    const other = await register(customer.token, { platform: 'ios', provider: 'apns', token: apnsToken(), audience: 'customer', externalId: 'cust-victim' });
    expect([other.status, other.body.code]).toEqual([403, 'SERVER_API_SCOPE_DENIED']);
    expect(other.body.message).toContain('context token');
  });

  it('refuses audience customer and externalId from a visitor no context token signed in', async () => {
    const anon = await api.newVisitor();
    const typed = await api.newVisitor({ name: 'Mallory', email: 'victim@example.com' });
    for (const [v, body] of [
      [anon, { audience: 'customer' }],
      [anon, { externalId: 'cust-victim' }],
      [typed, { audience: 'customer', externalId: 'cust-victim' }],
    ] as const) {
      const res = await register(v.token, { platform: 'android', token: fcmToken(), deviceId: 'claimed', ...body });
      expect([res.status, res.body.code]).toEqual([403, 'SERVER_API_SCOPE_DENIED']);
      expect(res.body.message).toContain('context token');
    }
    expect((await unregister(anon.token, { deviceId: 'claimed' })).status).toBe(404);
  });

  it('counts the metadata limit in UTF-8 bytes', async () => {
    const v = await api.newVisitor();
    // 2,100 characters, 4,200 bytes: under 4 KB as a JavaScript length, over it as bytes.
    const res = await register(v.token, { platform: 'android', token: fcmToken(), metadata: { note: 'é'.repeat(2100) } });
    expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(res.body.details?.join('\n')).toContain('metadata: must be at most 4096 bytes');
    const ascii = await register(v.token, { platform: 'android', token: fcmToken(), metadata: { note: 'e'.repeat(4000) } });
    expect(ascii.status).toBe(201);
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
    expect(b).toMatchObject({ enabled: true });
    expect(b.id).not.toBe(a.id);
    // The first visitor keeps their own row, disabled: signing out there changes nothing.
    expect((await unregister(first.token, { token })).body.data).toEqual({ disabled: 0 });
    expect((await unregister(second.token, { token })).body.data).toEqual({ disabled: 1 });
  });

  it("never re-enables a token its owner disabled for someone else; the newcomer gets a row of their own", async () => {
    const owner = await api.newVisitor();
    const other = await api.newVisitor();
    const token = fcmToken();
    const mine = (await register(owner.token, { platform: 'android', token, deviceId: 'signed-out' })).body.data.device;
    expect((await unregister(owner.token, { token })).body.data).toEqual({ disabled: 1 });
    const theirs = await register(other.token, { platform: 'android', token, deviceId: 'signed-out' });
    expect(theirs.status).toBe(201);
    expect(theirs.body.data.device.id).not.toBe(mine.id);
    // The owner's row is still the disabled one they left: nothing to disable, not "not found".
    expect((await unregister(owner.token, { token })).body.data).toEqual({ disabled: 0 });
    // The owner signing in again takes the token back, from the newcomer.
    const back = (await register(owner.token, { platform: 'android', token, deviceId: 'signed-out' })).body.data.device;
    expect(back).toMatchObject({ id: mine.id, enabled: true });
    expect((await unregister(other.token, { token })).body.data).toEqual({ disabled: 0 });
  });

  it("gives a shared phone to its last visitor: every earlier visitor's tokens of that deviceId are disabled, VoIP too", async () => {
    const before = await api.newVisitor();
    const after = await api.newVisitor();
    const shared = apnsToken();
    await register(before.token, { platform: 'ios', provider: 'apns', token: shared, deviceId: 'family-ipad' });
    await register(before.token, { platform: 'ios', provider: 'apns_voip', token: apnsToken(), deviceId: 'family-ipad' });
    // The next visitor's app registers the install's APNs token (it proves the install) and no VoIP token.
    expect((await register(after.token, { platform: 'ios', provider: 'apns', token: shared, deviceId: 'family-ipad' })).status).toBe(201);
    expect((await unregister(before.token, { deviceId: 'family-ipad' })).body.data).toEqual({ disabled: 0 });
    expect((await unregister(after.token, { deviceId: 'family-ipad' })).body.data).toEqual({ disabled: 1 });
  });

  it("refuses a deviceId another visitor holds when no token of that install comes with it, changing nothing of theirs", async () => {
    const owner = await api.newVisitor();
    const other = await api.newVisitor();
    const token = fcmToken();
    await register(owner.token, { platform: 'android', token, deviceId: 'claimed-install' });
    const claim = await register(other.token, { platform: 'android', token: fcmToken(), deviceId: 'claimed-install' });
    expect([claim.status, claim.body.success, claim.body.code]).toEqual([409, false, 'SDK_DEVICE_TOKEN_REGISTER_FAILED']);
    expect(claim.body.message).toMatch(/deviceId/);
    // Nothing stored for the claimant; the owner's token is still enabled.
    expect((await unregister(other.token, { deviceId: 'claimed-install' })).status).toBe(404);
    expect((await unregister(owner.token, { token })).body.data).toEqual({ disabled: 1 });
    // Once the owner signed out, the install is free for anyone.
    expect((await register(other.token, { platform: 'android', token: fcmToken(), deviceId: 'claimed-install' })).status).toBe(201);
  });

  it('keeps both tokens of one visitor on one install when the providers differ (APNs and VoIP)', async () => {
    const v = await api.newVisitor();
    await register(v.token, { platform: 'ios', provider: 'apns', token: apnsToken(), deviceId: 'own-iphone' });
    await register(v.token, { platform: 'ios', provider: 'apns_voip', token: apnsToken(), deviceId: 'own-iphone' });
    await register(v.token, { platform: 'ios', provider: 'apns', token: apnsToken(), deviceId: 'own-iphone' });
    expect((await unregister(v.token, { deviceId: 'own-iphone' })).body.data).toEqual({ disabled: 2 });
  });

  it('keeps at most 10 enabled tokens per visitor: one more disables the least recently seen', async () => {
    const v = await api.newVisitor();
    const tokens = Array.from({ length: 11 }, () => fcmToken());
    for (const token of tokens.slice(0, 10)) expect((await register(v.token, { platform: 'android', token })).status).toBe(201);
    // The first one is seen again, so the second is now the least recently seen.
    await register(v.token, { platform: 'android', token: tokens[0]! });
    await register(v.token, { platform: 'android', token: tokens[10]! });
    expect((await unregister(v.token, { token: tokens[1]! })).body.data).toEqual({ disabled: 0 });
    expect((await unregister(v.token, { token: tokens[0]! })).body.data).toEqual({ disabled: 1 });
    expect((await unregister(v.token, { token: tokens[10]! })).body.data).toEqual({ disabled: 1 });
  });

  it('forgets the oldest disabled tokens beyond 50 rows per visitor', async () => {
    const v = await api.newVisitor();
    const tokens = Array.from({ length: 51 }, () => fcmToken());
    for (const token of tokens) await register(v.token, { platform: 'android', token });
    // 51 rows: the very first (disabled by the cap long ago) is gone, the second is still kept.
    expect((await unregister(v.token, { token: tokens[0]! })).status).toBe(404);
    expect((await unregister(v.token, { token: tokens[1]! })).body.data).toEqual({ disabled: 0 });
  });

  it('leaves one token enabled when two registrations for one install race', async () => {
    const v = await api.newVisitor();
    const other = await api.newVisitor();
    await Promise.all([
      register(v.token, { platform: 'android', token: fcmToken(), deviceId: 'racing' }),
      register(v.token, { platform: 'android', token: fcmToken(), deviceId: 'racing' }),
      register(other.token, { platform: 'android', token: fcmToken(), deviceId: 'racing' }),
    ]).then((all) => {
      // Whoever comes first holds the install; the other visitor, bringing no token of it, gets 409.
      const statuses = all.map((r) => r.status);
      expect(statuses.every((status) => status === 201 || status === 409), String(statuses)).toBe(true);
      expect(statuses).toContain(201);
    });
    // The refused visitor has no row of the install at all (404): it disables nothing.
    const disabledBy = async (token: string) => ((await unregister(token, { deviceId: 'racing' })).body.data?.disabled as number | undefined) ?? 0;
    const left = (await disabledBy(v.token)) + (await disabledBy(other.token));
    expect(left).toBe(1);
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

/**
 * Where registrations truly run at once: real PostgreSQL (PGlite runs one transaction at a time).
 * `TEST_DATABASE_URL=postgres://user@127.0.0.1:5432/ringnity_test npx vitest run --project contract test/contract/devices.test.ts`
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('push tokens on PostgreSQL (TEST_DATABASE_URL)', () => {
  let running: RunningServer;
  let pg: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await createServer({ port: 0, databaseUrl: process.env.TEST_DATABASE_URL, log: false });
    pg = client({ baseUrl: `${running.url}/api`, slug: 'acme', serverApiKey: DEMO_SERVER_API_KEY });
  });
  afterAll(() => running?.close());

  it('leaves exactly one token of an install enabled, whoever registers at once', async () => {
    const run = Math.random().toString(36).slice(2);
    for (let round = 0; round < 8; round++) {
      const [a, b] = await Promise.all([pg.newVisitor(), pg.newVisitor()]);
      const deviceId = `race-${run}-${round}`;
      const shared = fcmToken();
      const answers = await Promise.all([
        ...[a, a, b, b].map((v) => pg.call('POST', PATH, { token: v.token, body: { platform: 'android', token: fcmToken(), deviceId } })),
        ...[a, b].map((v) => pg.call('POST', PATH, { token: v.token, body: { platform: 'android', token: shared, deviceId } })),
      ]);
      // A deviceId held by the other visitor, with no token of that install, is refused (409).
      for (const r of answers) expect([201, 409]).toContain(r.status);
      const left = await Promise.all([a, b].map(async (v) => ((await pg.call('DELETE', PATH, { token: v.token, body: { deviceId } })).body.data?.disabled as number | undefined) ?? 0));
      expect(left[0]! + left[1]!, `round ${round}`).toBe(1);
    }
  });
});
