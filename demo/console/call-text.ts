/**
 * What the console says about a call, as plain functions of its state (tested without a DOM):
 * the phase in words, the duration, and the one notice that matters most right now (denied
 * permission, no camera, the visitor dropped, the call ended by the other side).
 */
import type { CallSession, CallType } from '../../src/contract/extensions.ts';
import type { CallPhase } from '../../src/calls/types.ts';

export const PHASE_TEXT: Record<CallPhase, string> = {
  preparing: 'Starting your microphone…',
  ringing: 'Ringing…',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Connection lost for a moment: reconnecting…',
  ended: 'Call ended',
};

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export const callKind = (type: CallType): string => (type === 'video' ? 'Video call' : 'Voice call');

/** A notice under the call: `alert` for what ended or broke it, `info` for what the agent should know. */
export interface CallNotice {
  readonly text: string;
  readonly level: 'alert' | 'info';
}

export interface CallFacts {
  readonly type: CallType;
  readonly phase: CallPhase;
  readonly session: CallSession | null;
  readonly audioOnly: boolean;
  /** The call's error code (`CALL_PERMISSION_DENIED`, `CALL_CONNECTION_FAILED`, a server code …). */
  readonly errorCode: string | null;
  readonly errorMessage?: string;
}

/** The notice to show for a call in this state, or `null` when all is well. */
export function callNotice({ type, phase, session, audioOnly, errorCode, errorMessage }: CallFacts): CallNotice | null {
  switch (errorCode) {
    case null:
      break;
    case 'CALL_PERMISSION_DENIED':
      return {
        level: 'alert',
        text: 'The browser blocked your microphone or camera. Allow them for this site (the icon in the address bar), then accept again.',
      };
    case 'CALL_DEVICE_NOT_FOUND':
      return {
        level: 'alert',
        text: type === 'video' ? 'No working microphone or camera was found (or another app holds it). Check them, then accept again.' : 'No microphone was found. Connect one, then accept again.',
      };
    case 'CALL_CONNECTION_FAILED':
      return { level: 'alert', text: 'The connection to the visitor failed or the visitor dropped.' };
    default:
      return { level: 'alert', text: errorMessage || `The call failed (${errorCode}).` };
  }
  const status = session?.status;
  if (phase === 'ended' || status === 'ended' || status === 'missed' || status === 'failed') {
    if (session?.endReason === 'connection_lost') return { level: 'alert', text: 'The visitor dropped: their connection was lost.' };
    if (status === 'failed') return { level: 'alert', text: 'The call failed: the two browsers could not connect.' };
    if (session?.metadata?.endedBy === 'visitor') return { level: 'info', text: 'The visitor hung up.' };
    if (session?.metadata?.endedBy === 'server') return { level: 'info', text: 'The call was ended by the server.' };
    return null;
  }
  if (phase === 'reconnecting') return { level: 'info', text: PHASE_TEXT.reconnecting };
  if (type === 'video' && audioOnly) return { level: 'info', text: 'No camera found: you are on the call with audio only.' };
  return null;
}
