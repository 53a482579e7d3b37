/**
 * `POST` and `DELETE /sdk/devices/push-token` (extensions.md §16): a mobile shell registers the
 * visitor's FCM/APNs token and disables it on sign-out. A visitor session only reaches its own
 * tokens: one of another visitor's answers the same 404 as one that does not exist. Targeting a
 * signed-in customer (`audience: 'customer'`, `externalId`) needs a verified visitor.
 */
import { Hono } from 'hono';
import { requireVisitor } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { invalid, readJson } from '../http/validate.ts';
import type { DeviceRegistration, DeviceUnregistration } from '../../../src/devices/types.ts';
import { type DeviceIdentity, disableDevices, registerDevice } from '../store/devices.ts';
import type { VisitorRow } from '../store/visitors.ts';

/** Longest id-like field (deviceId, appId, externalId). */
const MAX_ID_LENGTH = 200;
/** Largest `metadata`, in UTF-8 bytes of its JSON. */
const MAX_METADATA_BYTES = 4096;
/**
 * What a push service hands out: FCM registration tokens are URL-safe text (with `:`), about
 * 150–200 characters; APNs device tokens are hex (64 characters today; Apple may lengthen them).
 */
const TOKEN_FORMATS = {
  fcm: /^[\w:.-]{32,4096}$/,
  apns: /^[0-9a-fA-F]{64,200}$/,
  apns_voip: /^[0-9a-fA-F]{64,200}$/,
} as const;

/** Mounted at `/sdk/devices`. */
export function deviceRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requireVisitor(deps));

  app.post('/push-token', async (c) => {
    const body = await readJson<DeviceRegistration>(c, 'RegisterDevicePushTokenRequest');
    const provider = body.provider ?? 'fcm';
    if (!TOKEN_FORMATS[provider].test(body.token)) {
      const expected = provider === 'fcm' ? 'an FCM registration token (32 or more of A-Z a-z 0-9 _ : . -)' : 'an APNs device token (64 or more hex digits)';
      throw new ApiError(400, 'SDK_DEVICE_TOKEN_INVALID', `Expected ${expected} for provider "${provider}", got ${body.token.length} characters that are not.`, [
        `token: is not a valid ${provider} token`,
      ]);
    }
    // A visitor session speaks for a visitor (or the site's signed-in customer), never for staff.
    if ((body.audience !== undefined && body.audience !== 'visitor' && body.audience !== 'customer') || body.agentId !== undefined) {
      throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', 'A visitor session registers tokens of audience "visitor" or "customer" only, without agentId.');
    }
    checkIds(body);
    // Bytes, as §16 promises: a JavaScript length counts UTF-16 units ("é" is 1, its UTF-8 is 2).
    if (body.metadata !== undefined && Buffer.byteLength(JSON.stringify(body.metadata), 'utf8') > MAX_METADATA_BYTES) {
      invalid('metadata', `must be at most ${MAX_METADATA_BYTES} bytes as UTF-8 JSON`);
    }
    const { tenant, visitor } = c.get('visitorAuth');
    const identity = deviceIdentity(body, visitor);
    const owner = { tenantId: tenant.id, visitorId: visitor.id };
    const device = await withRetry(() => deps.db.transaction((tx) => registerDevice(tx, owner, body, identity)));
    return ok(c, { device }, 201);
  });

  app.delete('/push-token', async (c) => {
    const body = await readJson<DeviceUnregistration>(c, 'UnregisterDevicePushTokenRequest');
    checkIds(body);
    if (body.token === '') invalid('token', 'must not be empty');
    const { tenant, visitor } = c.get('visitorAuth');
    const { matched, disabled } = await withRetry(() => disableDevices(deps.db, { tenantId: tenant.id, visitorId: visitor.id }, body));
    if (matched === 0) {
      throw new ApiError(404, 'SDK_DEVICE_TOKEN_UNREGISTER_FAILED', 'No push token of this visitor matches the given deviceId/token.');
    }
    return ok(c, { disabled });
  });

  return app;
}

/**
 * Whom the token speaks for. A push sender targets `audience: 'customer'` by `externalId`, so
 * both come only from a context token the site's backend signed (the visitor row is `verified`
 * with that external id); a claim in the body is checked against it, never stored as sent.
 */
function deviceIdentity(body: DeviceRegistration, visitor: VisitorRow): DeviceIdentity {
  const verifiedId = visitor.verified ? visitor.external_id : null;
  const claimsCustomer = body.audience === 'customer' || body.externalId !== undefined;
  if (claimsCustomer && verifiedId === null) {
    throw new ApiError(
      403,
      'SERVER_API_SCOPE_DENIED',
      'audience "customer" and externalId need a visitor signed in with a context token carrying an externalId (POST /server/visitor-context-token); this session has none.',
    );
  }
  if (body.externalId !== undefined && body.externalId !== verifiedId) {
    throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', 'externalId must be the one of the context token this visitor signed in with (or left out).');
  }
  return { audience: body.audience === 'customer' ? 'customer' : 'visitor', externalId: verifiedId };
}

/**
 * PostgreSQL may still end one of two racing transactions (a deadlock with a concurrent DELETE,
 * a unique index the locks did not cover): run it again, as the winner's row is now visible.
 */
async function withRetry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= attempts || (code !== '40P01' && code !== '23505' && code !== '40001')) throw error;
    }
  }
}

function checkIds(body: { deviceId?: string; appId?: string; externalId?: string }): void {
  for (const key of ['deviceId', 'appId', 'externalId'] as const) {
    const value = body[key];
    if (value !== undefined && (value.length === 0 || value.length > MAX_ID_LENGTH)) invalid(key, `must be 1 to ${MAX_ID_LENGTH} characters`);
  }
}
