/**
 * The six services of `RuntimeBootstrap.services`, with honest statuses. `ai_chat` follows the
 * tenant's AI routing (extensions.md §14) and whether the assistant has a knowledge base to answer
 * from (`deps.ai.ready`, the same readiness the AI routes use); `voice_call`/`video_call` follow the
 * tenant's call settings (§15); AI calls need a real-time voice model this server does not have.
 */
import type { ServiceCapability } from '../../../src/contract/extensions.ts';
import { NO_REALTIME_MODEL, callServiceAllowed } from '../calls/gating.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import type { TenantRow } from '../store/tenants.ts';


/**
 * `tenant` decides `ai_chat` (without one it is reported as not configured); `ai` is the server's
 * AI (`deps.ai`): without articles `ai_chat` is `ai_not_ready`.
 * @param ai Defaults to ready only for callers that have no server (pass `deps.ai` from a route).
 */
export function serviceCapabilities(tenant?: TenantRow, ai: { readonly ready: boolean } = { ready: true }): ServiceCapability[] {
  return [
    { key: 'chat', label: 'Live chat', status: 'available', allowed: true, adminEnabled: true, sortOrder: 1 },
    aiChat(tenant, ai.ready),
    call(tenant, 'voice_call', 'Voice call', 3),
    call(tenant, 'video_call', 'Video call', 4),
    { key: 'ai_voice', label: 'AI voice', status: 'not_configured', allowed: false, reason: NO_REALTIME_MODEL, adminEnabled: false, sortOrder: 5 },
    { key: 'ai_video', label: 'AI video', status: 'not_configured', allowed: false, reason: NO_REALTIME_MODEL, adminEnabled: false, sortOrder: 6 },
  ];
}

function call(tenant: TenantRow | undefined, key: 'voice_call' | 'video_call', label: string, sortOrder: number): ServiceCapability {
  const base = { key, label, sortOrder } as const;
  if (!tenant) return { ...base, status: 'not_configured', allowed: false, reason: 'No tenant given.', adminEnabled: false };
  if (!callServiceAllowed(tenant, key)) {
    return { ...base, status: 'disabled_by_admin', allowed: false, reason: `${label}s are turned off for this site.`, adminEnabled: false };
  }
  return { ...base, status: 'available', allowed: true, reason: 'Straight from the browser, with the person in the chat.', adminEnabled: true };
}

function aiChat(tenant: TenantRow | undefined, ready: boolean): ServiceCapability {
  const base = { key: 'ai_chat', label: 'AI chat', sortOrder: 2 } as const;
  if (!tenant) return { ...base, status: 'not_configured', allowed: false, reason: 'No tenant given.', adminEnabled: false };
  const mode = settingsOf(tenant).aiRouting;
  if (mode === 'human_only') {
    return { ...base, status: 'disabled_by_admin', allowed: false, reason: 'This site answers chats in person only.', adminEnabled: false };
  }
  if (mode === 'ai_assisted') {
    return { ...base, status: 'disabled_by_admin', allowed: false, reason: 'People answer chats here; the AI only suggests replies to them.', adminEnabled: true };
  }
  if (!ready) {
    return { ...base, status: 'ai_not_ready', allowed: false, reason: 'The assistant has no help articles to answer from yet.', adminEnabled: true };
  }
  return { ...base, status: 'available', allowed: true, reason: 'Answers from the help centre; a person is one click away.', adminEnabled: true };
}
