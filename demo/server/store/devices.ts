/**
 * Push tokens of mobile shells (extensions.md §16): one row per token, upserted by the token
 * (it names one app install) and disabled, never deleted, when the app signs out.
 */
import type { DevicePushToken, DeviceRegistration, DeviceUnregistration } from '../../../src/devices/types.ts';
import type { Queryable } from '../db/database.ts';
import { newId } from '../ids.ts';
import { compact, iso, isoRequired } from './time.ts';


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

/**
 * Registers (or refreshes) a token for `owner` and enables it. A token another visitor held
 * moves to `owner`; an older token of the same app install (same `deviceId` and provider) is
 * disabled, since the push service replaced it.
 */
export async function registerDevice(db: Queryable, owner: DeviceOwner, input: DeviceRegistration): Promise<DevicePushToken> {
  const provider = input.provider ?? 'fcm';
  const [row] = await db.query<DeviceRow>(
    `INSERT INTO device_push_tokens
       (id, tenant_id, visitor_id, platform, provider, token, device_id, app_id, audience, external_id, call_mode, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
     ON CONFLICT (tenant_id, provider, token) DO UPDATE SET
       visitor_id = EXCLUDED.visitor_id, platform = EXCLUDED.platform, device_id = EXCLUDED.device_id,
       app_id = EXCLUDED.app_id, audience = EXCLUDED.audience, external_id = EXCLUDED.external_id,
       call_mode = EXCLUDED.call_mode, metadata = EXCLUDED.metadata,
       enabled = true, last_seen_at = now(), updated_at = now()
     RETURNING *`,
    [
      newId('dev'),
      owner.tenantId,
      owner.visitorId,
      input.platform,
      provider,
      input.token,
      input.deviceId ?? null,
      input.appId ?? null,
      input.audience ?? 'visitor',
      input.externalId ?? null,
      input.callMode ?? 'basic',
      JSON.stringify(input.metadata ?? {}),
    ],
  );
  if (input.deviceId !== undefined) {
    await db.query(
      `UPDATE device_push_tokens SET enabled = false, updated_at = now()
       WHERE tenant_id = $1 AND visitor_id = $2 AND provider = $3 AND device_id = $4 AND id <> $5 AND enabled`,
      [owner.tenantId, owner.visitorId, provider, input.deviceId, row!.id],
    );
  }
  return toDevice(row!);
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
