/** The six services of `RuntimeBootstrap.services`, with honest statuses for what is not built yet. */
import type { ServiceCapability } from '../../../src/contract/extensions.ts';

const NOT_BUILT = 'Not built yet in the reference server.';

export function serviceCapabilities(): ServiceCapability[] {
  return [
    { key: 'chat', label: 'Live chat', status: 'available', allowed: true, adminEnabled: true, sortOrder: 1 },
    { key: 'ai_chat', label: 'AI chat', status: 'not_configured', allowed: false, reason: NOT_BUILT, adminEnabled: false, sortOrder: 2 },
    { key: 'voice_call', label: 'Voice call', status: 'not_configured', allowed: false, reason: NOT_BUILT, adminEnabled: false, sortOrder: 3 },
    { key: 'video_call', label: 'Video call', status: 'not_configured', allowed: false, reason: NOT_BUILT, adminEnabled: false, sortOrder: 4 },
    { key: 'ai_voice', label: 'AI voice', status: 'not_configured', allowed: false, reason: NOT_BUILT, adminEnabled: false, sortOrder: 5 },
    { key: 'ai_video', label: 'AI video', status: 'not_configured', allowed: false, reason: NOT_BUILT, adminEnabled: false, sortOrder: 6 },
  ];
}
