/**
 * Per-tenant messaging settings (columns on `tenants`, migration 002). The reference server has
 * no admin API: the demo tenant's values come from the server config (`demoTenantSettings`).
 */
import type { Queryable } from '../db/database.ts';
import type { PreChatForm, TenantRow } from './tenants.ts';

export type { PreChatForm };

export interface TenantSettings {
  /** Largest attachment, in bytes. @default 10485760 (10 MB) */
  maxUploadBytes: number;
  /** How long after sending a message its sender may edit or delete it, in seconds. @default 900 */
  editWindowSeconds: number;
  /** Whether the widget asks for name and email before the first message. @default 'off' */
  preChatForm: PreChatForm;
  /** Shown to visitors when nobody is available ("we reply in about N minutes"). */
  expectedReplyMinutes: number | null;
}

export function settingsOf(row: TenantRow): TenantSettings {
  return {
    maxUploadBytes: row.max_upload_bytes,
    editWindowSeconds: row.edit_window_seconds,
    preChatForm: row.pre_chat_form,
    expectedReplyMinutes: row.expected_reply_minutes,
  };
}

const COLUMNS: Record<keyof TenantSettings, string> = {
  maxUploadBytes: 'max_upload_bytes',
  editWindowSeconds: 'edit_window_seconds',
  preChatForm: 'pre_chat_form',
  expectedReplyMinutes: 'expected_reply_minutes',
};

/** Writes the given settings; absent keys keep their stored value. */
export async function updateTenantSettings(db: Queryable, tenantId: string, settings: Partial<TenantSettings>): Promise<void> {
  const entries = Object.entries(settings).filter(([key, value]) => key in COLUMNS && value !== undefined);
  if (entries.length === 0) return;
  const sets = entries.map(([key], i) => `${COLUMNS[key as keyof TenantSettings]} = $${i + 2}`);
  await db.query(`UPDATE tenants SET ${sets.join(', ')} WHERE id = $1`, [tenantId, ...entries.map(([, value]) => value)]);
}
