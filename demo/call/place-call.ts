/**
 * Places the page's call with the core's call engine (`src/calls/call.ts`), loaded when the
 * visitor taps "Start": the page shows its first screen without any WebRTC code.
 */
import type { ActiveCall, CallType } from '../../src/index.ts';
import type { CallHost } from '../../src/calls/types.ts';

/** The call, at once in `preparing` (follow its `phase` and `error`). */
export async function placeCall(host: CallHost, conversationId: string, type: CallType): Promise<ActiveCall> {
  const { placeCall: place } = await import('../../src/calls/call.ts');
  return place(host, { conversationId, type });
}
