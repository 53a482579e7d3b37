/**
 * Push tokens of mobile shells (extensions.md §16): one row per token and visitor, at most one
 * of a token's rows enabled (the last visitor to register it), disabled, never deleted, when the
 * app signs out (only a visitor's oldest disabled rows beyond {@link MAX_ROWS_PER_VISITOR} go).
 */
import { createHash } from 'node:crypto';
import type { DevicePushToken, DeviceRegistration, DeviceUnregistration } from '../../../src/devices/types.ts';
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../http/errors.ts';
import { newId } from '../ids.ts';
import { compact, iso, isoRequired } from './time.ts';

/** Enabled tokens one visitor may hold; registering one more disables the least recently seen. */
export const MAX_ENABLED_PER_VISITOR = 10;
/** Rows one visitor keeps (enabled or not); beyond it the oldest disabled rows are deleted. */
export const MAX_ROWS_PER_VISITOR = 50;

interface DeviceRow {
  [column: string]: unknown;
  id: string;
  tenant_id: string;
  visitor_id: string;
  platform: DevicePushToken['platform'];
  provider: DevicePushToken['provider'];
  device_id: string | null;
  app_id: string | null;
  audience: DevicePushToken['audience'];
  external_id: string | null;
  call_mode: NonNullable<DevicePushToken['callMode']>;
  enabled: boolean;
  last_seen_at: unknown;
  created_at: unknown;
  updated_at: unknown;
}

/** Whose token: the tenant (the contract's `clientId`) and the visitor holding it. */
export interface DeviceOwner {
  tenantId: string;
  visitorId: string;
}

/** What the route decided from the caller's identity (never taken from the body as is). */
export interface DeviceIdentity {
  audience: 'visitor' | 'customer';
  /** The verified external id of the visitor, or null. */
  externalId: string | null;
}

/**
 * Registers (or refreshes) a token for `owner` and enables it; run it in a transaction. Whoever
 * held the token enabled before loses it (the phone changed hands); a deviceId is one visitor's
 * at a time: it moves only with a token that install registered ({@link checkInstallClaim}),
 * and then every other visitor's tokens of that install are disabled, and so is the caller's
 * older token of the same provider (the push service rotated it).
 */
export async function registerDevice(
  tx: Queryable,
  owner: DeviceOwner,
  input: DeviceRegistration,
  identity: DeviceIdentity,
): Promise<DevicePushToken> {
  const provider = input.provider ?? 'fcm';
  const deviceId = input.deviceId ?? null;
  // Two registrations touching the same token, install or visitor take turns: without it both
  // could read "nothing enabled" and the second would trip the unique index instead of winning.
  const keys = [`t:${provider}:${input.token}`, `v:${owner.visitorId}`, ...(deviceId === null ? [] : [`d:${deviceId}`])];
  for (const key of lockKeys(owner.tenantId, keys)) await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [key]);

  if (deviceId !== null) await checkInstallClaim(tx, owner, provider, input.token, deviceId);
  // Before the upsert: the partial unique indexes are checked statement by statement.
  await tx.query(
    `UPDATE device_push_tokens SET enabled = false, updated_at = now()
     WHERE tenant_id = $1 AND enabled AND NOT (provider = $3 AND token = $4 AND visitor_id = $2)
       AND ((provider = $3 AND token = $4)
         OR (device_id = $5 AND (visitor_id <> $2 OR provider = $3)))`,
    [owner.tenantId, owner.visitorId, provider, input.token, deviceId],
  );
  const [row] = await tx.query<DeviceRow>(
    `INSERT INTO device_push_tokens
       (id, tenant_id, visitor_id, platform, provider, token, device_id, app_id, audience, external_id, call_mode, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
     ON CONFLICT (tenant_id, provider, token, visitor_id) DO UPDATE SET
       platform = EXCLUDED.platform, device_id = EXCLUDED.device_id, app_id = EXCLUDED.app_id,
       audience = EXCLUDED.audience, external_id = EXCLUDED.external_id, call_mode = EXCLUDED.call_mode,
       metadata = EXCLUDED.metadata, enabled = true, last_seen_at = now(), updated_at = now()
     RETURNING *`,
    [
      newId('dev'),
      owner.tenantId,
      owner.visitorId,
      input.platform,
      provider,
      input.token,
      deviceId,
      input.appId ?? null,
      identity.audience,
      identity.externalId,
      input.callMode ?? 'basic',
      JSON.stringify(input.metadata ?? {}),
    ],
  );
  await enforceCaps(tx, owner, row!.id);
  return toDevice(row!);
}

/**
 * A `deviceId` is a claim, not a proof: it is the app's install id, which another visitor may
 * learn. So it moves an install away from another visitor only together with a push token that
 * install registered under that `deviceId` (holding the token is the proof of holding the device:
 * a shared phone keeps its token across sign-ins). A bare `deviceId` that another visitor holds
 * enabled is refused, and nothing of theirs changes (review finding M3).
 */
async function checkInstallClaim(tx: Queryable, owner: DeviceOwner, provider: string, token: string, deviceId: string): Promise<void> {
  const [claim] = await tx.query<{ held: boolean | null; proven: boolean | null }>(
    `SELECT bool_or(enabled AND device_id = $3) AS held,
            bool_or(provider = $4 AND token = $5 AND device_id = $3) AS proven
     FROM device_push_tokens
     WHERE tenant_id = $1 AND visitor_id <> $2 AND (device_id = $3 OR (provider = $4 AND token = $5))`,
    [owner.tenantId, owner.visitorId, deviceId, provider, token],
  );
  if (claim?.held && !claim.proven) {
    throw new ApiError(
      409,
      'SDK_DEVICE_TOKEN_REGISTER_FAILED',
      'This deviceId is registered to another visitor. Register with the push token this install already uses (the app signs the other visitor out), or with a new random deviceId.',
    );
  }
}

/**
 * Keeps `owner` within {@link MAX_ENABLED_PER_VISITOR} enabled tokens (the least recently seen
 * are disabled, not refused: a reinstalled app cannot sign its lost tokens out) and
 * {@link MAX_ROWS_PER_VISITOR} rows (each new token is a row; without it they pile up).
 */
async function enforceCaps(tx: Queryable, owner: DeviceOwner, keepId: string): Promise<void> {
  await tx.query(
    `UPDATE device_push_tokens SET enabled = false, updated_at = now()
     WHERE id IN (SELECT id FROM device_push_tokens
                  WHERE tenant_id = $1 AND visitor_id = $2 AND enabled AND id <> $3
                  ORDER BY last_seen_at DESC, id DESC OFFSET $4)`,
    [owner.tenantId, owner.visitorId, keepId, MAX_ENABLED_PER_VISITOR - 1],
  );
  await tx.query(
    `DELETE FROM device_push_tokens
     WHERE id IN (SELECT id FROM device_push_tokens
                  WHERE tenant_id = $1 AND visitor_id = $2 AND NOT enabled
                  ORDER BY updated_at DESC, id DESC OFFSET $3)`,
    [owner.tenantId, owner.visitorId, MAX_ROWS_PER_VISITOR - MAX_ENABLED_PER_VISITOR],
  );
}

/** Advisory lock keys (signed 64-bit), sorted so that every transaction takes them in one order. */
function lockKeys(tenantId: string, keys: readonly string[]): string[] {
  const ids = keys.map((key) => createHash('sha256').update(`devices:${tenantId}:${key}`).digest().readBigInt64BE(0));
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

/**
 * Disables `owner`'s tokens matching every given field (`provider` only narrows). Answers how
 * many were matched (0: none of this visitor's, which the route answers as not found) and how
 * many of them were enabled until now.
 */
export async function disableDevices(
  db: Queryable,
  owner: DeviceOwner,
  match: DeviceUnregistration,
): Promise<{ matched: number; disabled: number }> {
  const params: unknown[] = [owner.tenantId, owner.visitorId];
  const where = ['tenant_id = $1', 'visitor_id = $2'];
  for (const [column, value] of [
    ['device_id', match.deviceId],
    ['token', match.token],
    ['provider', match.provider],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  const rows = await db.query<{ was_enabled: boolean }>(
    `WITH hit AS (SELECT id, enabled FROM device_push_tokens WHERE ${where.join(' AND ')} FOR UPDATE)
     UPDATE device_push_tokens d SET enabled = false, updated_at = CASE WHEN hit.enabled THEN now() ELSE d.updated_at END
     FROM hit WHERE d.id = hit.id RETURNING hit.enabled AS was_enabled`,
    params,
  );
  return { matched: rows.length, disabled: rows.filter((r) => r.was_enabled).length };
}

function toDevice(row: DeviceRow): DevicePushToken {
  return compact({
    id: row.id,
    clientId: row.tenant_id,
    platform: row.platform,
    provider: row.provider,
    audience: row.audience,
    deviceId: row.device_id,
    appId: row.app_id,
    externalId: row.external_id,
    callMode: row.call_mode,
    enabled: row.enabled,
    lastSeenAt: iso(row.last_seen_at),
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  }) as DevicePushToken;
}
