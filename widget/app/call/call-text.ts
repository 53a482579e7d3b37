/**
 * What a call's state means to the visitor, in words: the line under the call view's title for
 * each phase, and why a call ended or could not start. Pure functions, shared by the widget's
 * call view and the call page (`demo/call/`).
 */
import type { CallPhase, CallSession, RuntimeError } from '../../../src/index.ts';

/** The status line while the call is live. */
export function phaseText(phase: CallPhase, type: 'audio' | 'video'): string {
  if (phase === 'preparing') return type === 'video' ? 'Allow camera and microphone…' : 'Allow the microphone…';
  if (phase === 'ringing') return 'Calling the team…';
  if (phase === 'connecting') return 'Connecting…';
  if (phase === 'reconnecting') return 'Reconnecting… The connection dropped for a moment.';
  if (phase === 'connected') return 'Connected';
  return 'Call ended';
}

/** Why a call could not start or stopped, for an error the call (or `calls.start`) reported. */
export function errorText(error: Pick<RuntimeError, 'code' | 'details'>, type: 'audio' | 'video' = 'audio'): string {
  switch (error.code) {
    case 'CALL_PERMISSION_DENIED':
      return 'Your browser blocked the camera and microphone. Allow them for this site (the camera icon in the address bar, or your browser’s site settings), then try again.';
    case 'CALL_DEVICE_NOT_FOUND':
      // `details` the core sets when the page itself has no media devices (src/calls/media.ts INSECURE_PAGE).
      if (error.details?.includes('insecure_page')) return 'Calls do not work on this page (it is not secure). Send us a message instead.';
      return type === 'video'
        ? 'No working camera or microphone was found. Connect one (or close other apps using it), then try again.'
        : 'No microphone was found. Connect one (or check that no other app is using it), then try again.';
    case 'CALL_CONNECTION_FAILED':
      return 'The call dropped. Check your connection and call again.';
    case 'CALL_IN_PROGRESS':
      return 'A call is already going on in this conversation.';
    case 'FEATURE_NOT_AVAILABLE':
      return 'Calls are not available right now. Send us a message instead.';
    case 'CONVERSATION_CLOSED':
      return 'This conversation has ended. Start a new one to call us.';
    default:
      return 'The call could not start. Check your connection and try again.';
  }
}

/** `m:ss` (or `h:mm:ss`) for a duration in seconds. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const mm = `${Math.floor(s / 60) % 60}`;
  const ss = `${s % 60}`.padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** How a call that is over ended, from its final session (missed, declined, hung up, failed). */
export function endText(session: CallSession | null): string {
  if (!session) return 'Call ended';
  const { status, endReason } = session;
  if (status === 'missed') return endReason === 'cancelled' ? 'Call cancelled' : 'No one answered. Send us a message and we will get back to you.';
  if (endReason === 'declined') return 'The team could not take your call right now. Send us a message instead.';
  if (status === 'failed') return 'The call could not connect. Check your connection and try again.';
  if (endReason === 'connection_lost') return 'The call dropped.';
  return session.durationSeconds ? `Call ended · ${duration(session.durationSeconds)}` : 'Call ended';
}
