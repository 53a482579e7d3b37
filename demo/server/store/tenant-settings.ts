/**
 * Per-tenant messaging settings (columns on `tenants`, migrations 002, 003 and 004). The reference server has
 * no admin API: the demo tenant's values come from the server config (`demoTenantSettings`).
 */
import type { Queryable } from '../db/database.ts';
import type { PreChatForm, TenantRow } from './tenants.ts';

export type { PreChatForm };

/** Who answers visitors (contract `AiRoutingEnvelope.mode`). */
export const AI_ROUTING_MODES = ['human_only', 'ai_first', 'ai_assisted'] as const;
export type AiRouting = (typeof AI_ROUTING_MODES)[number];

export interface TenantSettings {
  /** Largest attachment, in bytes. @default 10485760 (10 MB) */
  maxUploadBytes: number;
  /** How long after sending a message its sender may edit or delete it, in seconds. @default 900 */
  editWindowSeconds: number;
  /** Whether the widget asks for name and email before the first message. @default 'off' */
  preChatForm: PreChatForm;
  /** Shown to visitors when nobody is available ("we reply in about N minutes"). */
  expectedReplyMinutes: number | null;
  /**
   * `human_only`: people answer; `ai_first`: the AI answers first and hands over to a person;
   * `ai_assisted`: people answer and the AI suggests replies to agents.
   * @default 'ai_first'
   */
  aiRouting: AiRouting;
  /** Which calls visitors may place (extensions.md §15). @default { voice: true, video: true } */
  calls: CallSettings;
}

/** Which kinds of call a tenant allows (columns `calls_voice`, `calls_video`, migration 004). */
export interface CallSettings {
  voice: boolean;
  video: boolean;
}

export function settingsOf(row: TenantRow): TenantSettings {
  return {
    maxUploadBytes: row.max_upload_bytes,
    editWindowSeconds: row.edit_window_seconds,
    preChatForm: row.pre_chat_form,
    expectedReplyMinutes: row.expected_reply_minutes,
    aiRouting: aiRoutingOf(row),
    calls: { voice: row.calls_voice !== false, video: row.calls_video !== false },
  };
}

const COLUMNS: Record<Exclude<keyof TenantSettings, 'calls'>, string> = {
  maxUploadBytes: 'max_upload_bytes',
  editWindowSeconds: 'edit_window_seconds',
  preChatForm: 'pre_chat_form',
  expectedReplyMinutes: 'expected_reply_minutes',
  aiRouting: 'ai_routing',
};

/** The tenant's AI routing (column `ai_routing`, migration 003); the database's CHECK keeps it valid. */
function aiRoutingOf(row: TenantRow): AiRouting {
  const value = row.ai_routing;
  return (AI_ROUTING_MODES as readonly unknown[]).includes(value) ? (value as AiRouting) : 'ai_first';
}

/** Writes the given settings; absent keys keep their stored value. */
export async function updateTenantSettings(db: Queryable, tenantId: string, settings: Partial<TenantSettings>): Promise<void> {
  const { calls, ...plain } = settings;
  const entries: [string, unknown][] = Object.entries(plain)
    .filter(([key, value]) => key in COLUMNS && value !== undefined)
    .map(([key, value]) => [COLUMNS[key as keyof typeof COLUMNS], value]);
  // `calls` is one setting stored as two columns.
  if (calls?.voice !== undefined) entries.push(['calls_voice', calls.voice]);
  if (calls?.video !== undefined) entries.push(['calls_video', calls.video]);
  if (entries.length === 0) return;
  const sets = entries.map(([column], i) => `${column} = $${i + 2}`);
  await db.query(`UPDATE tenants SET ${sets.join(', ')} WHERE id = $1`, [tenantId, ...entries.map(([, value]) => value)]);
}
