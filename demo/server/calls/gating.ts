/** Which calls a tenant offers (extensions.md §15): bootstrap's services and every call route ask here. */
import type { CallLinkService, CallType } from '../../../src/contract/extensions.ts';
import { ApiError } from '../http/errors.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import type { TenantRow } from '../store/tenants.ts';

/** Why AI calls are unavailable: bootstrap's `ai_voice`/`ai_video` reason and the 501 of `/ai/visitor/realtime/call`. */
export const NO_REALTIME_MODEL = 'No real-time voice model in this deployment.';

/** The bootstrap service a call type belongs to. */
export function serviceOf(type: CallType): CallLinkService {
  return type === 'video' ? 'video_call' : 'voice_call';
}

/** The call type a service places. */
export function typeOf(service: CallLinkService): CallType {
  return service === 'video_call' ? 'video' : 'audio';
}

export function callServiceAllowed(tenant: TenantRow, service: CallLinkService): boolean {
  const { calls } = settingsOf(tenant);
  return service === 'video_call' ? calls.video : calls.voice;
}

/** 403 `FEATURE_NOT_AVAILABLE` unless the tenant offers `service`. */
export function assertCallService(tenant: TenantRow, service: CallLinkService): void {
  if (!callServiceAllowed(tenant, service)) {
    const what = service === 'video_call' ? 'Video calls' : 'Voice calls';
    throw new ApiError(403, 'FEATURE_NOT_AVAILABLE', `${what} are turned off for ${tenant.name}.`);
  }
}
