/**
 * The core's call engine (`src/calls/call.ts`) as the console uses it: answer a ringing call
 * (media, peer connection, signaling) or decline it. Loaded with a dynamic `import()` on the
 * first ring, so a console where no call ever rings never loads the WebRTC code.
 */
import type { CallSession } from '../../src/contract/extensions.ts';
import type { ActiveCall, CallHost } from '../../src/calls/types.ts';

export interface CallEngine {
  /** Answers as this agent: asks for media, claims the call, connects. Returns at once. */
  answer(host: CallHost, session: CallSession): ActiveCall;
  /** Resolves once the answer went through (`connecting`); rejects with the call's error (`CALL_NOT_RINGING`, `CALL_PERMISSION_DENIED` …). */
  started(call: ActiveCall): Promise<ActiveCall>;
  /** Declines a ringing call for the whole team. */
  decline(host: CallHost, callId: string): Promise<CallSession>;
}

let loading: Promise<CallEngine> | null = null;

/** The engine, loaded once; a failed load (network) is tried again on the next use. */
export function loadCallEngine(): Promise<CallEngine> {
  loading ??= import('../../src/calls/call.ts').then(
    ({ answerCall, declineCall, started }): CallEngine => ({ answer: answerCall, started, decline: declineCall }),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
