/**
 * `POST` and `DELETE /sdk/devices/push-token` (extensions.md §16): a mobile shell registers the
 * visitor's FCM/APNs token and disables it on sign-out. A visitor session only reaches its own
 * tokens: one of another visitor's answers the same 404 as one that does not exist.
 */
import { Hono } from 'hono';
import { requireVisitor } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { invalid, readJson } from '../http/validate.ts';
import type { DeviceRegistration, DeviceUnregistration } from '../../../src/devices/types.ts';
import { disableDevices, registerDevice } from '../store/devices.ts';

/** Longest id-like field (deviceId, appId, externalId). */
const MAX_ID_LENGTH = 200;
/** Largest `metadata`, as JSON. */
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
    if (body.metadata !== undefined && JSON.stringify(body.metadata).length > MAX_METADATA_BYTES) {
      invalid('metadata', `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
    }
    const { tenant, visitor } = c.get('visitorAuth');
    const device = await deps.db.transaction((tx) => registerDevice(tx, { tenantId: tenant.id, visitorId: visitor.id }, body));
    return ok(c, { device }, 201);
  });

  app.delete('/push-token', async (c) => {
    const body = await readJson<DeviceUnregistration>(c, 'UnregisterDevicePushTokenRequest');
    checkIds(body);
    if (body.token === '') invalid('token', 'must not be empty');
    const { tenant, visitor } = c.get('visitorAuth');
    const { matched, disabled } = await disableDevices(deps.db, { tenantId: tenant.id, visitorId: visitor.id }, body);
    if (matched === 0) {
      throw new ApiError(404, 'SDK_DEVICE_TOKEN_UNREGISTER_FAILED', 'No push token of this visitor matches the given deviceId/token.');
    }
    return ok(c, { disabled });
  });

  return app;
}

function checkIds(body: { deviceId?: string; appId?: string; externalId?: string }): void {
  for (const key of ['deviceId', 'appId', 'externalId'] as const) {
    const value = body[key];
    if (value !== undefined && (value.length === 0 || value.length > MAX_ID_LENGTH)) invalid(key, `must be 1 to ${MAX_ID_LENGTH} characters`);
  }
}
