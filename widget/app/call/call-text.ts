/**
 * What a call's state means to the visitor, in words of the widget's language (`c`, from
 * `useCallText()`): the line under the call view's title for each phase, why a call ended or
 * could not start, and a call event of the conversation. Pure functions, shared by the widget's
 * call view and the call page (`demo/call/`).
 */
import type { CallPhase, CallSession, RuntimeError } from '../../../src/index.ts';
import type { CallText } from '../i18n/en-call.ts';

/** The status line while the call is live. */
export function phaseText(c: CallText, phase: CallPhase, type: 'audio' | 'video'): string {
  if (phase === 'preparing') return type === 'video' ? c.allowBoth : c.allowMic;
  if (phase === 'ringing') return c.calling;
  if (phase === 'connecting') return c.connecting;
  if (phase === 'reconnecting') return c.reconnecting;
  if (phase === 'connected') return c.connected;
  return c.ended;
}

/** Why a call could not start or stopped, for an error the call (or `calls.start`) reported. */
export function errorText(c: CallText, error: Pick<RuntimeError, 'code' | 'details'>, type: 'audio' | 'video' = 'audio'): string {
  switch (error.code) {
    case 'CALL_PERMISSION_DENIED':
      return c.blocked;
    case 'CALL_DEVICE_NOT_FOUND':
      // `details` the core sets when the page itself has no media devices (src/calls/media.ts INSECURE_PAGE).
      if (error.details?.includes('insecure_page')) return c.insecure;
      return type === 'video' ? c.noDevices : c.noMic;
    case 'CALL_CONNECTION_FAILED':
      return c.droppedRetry;
    case 'CALL_IN_PROGRESS':
      return c.inProgress;
    case 'FEATURE_NOT_AVAILABLE':
      return c.notAvailable;
    case 'CONVERSATION_CLOSED':
      return c.conversationEnded;
    default:
      return c.couldNotStart;
  }
}

/** `m:ss` (or `h:mm:ss`) for a duration in seconds: digits and colons read the same in every language here. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const mm = `${Math.floor(s / 60) % 60}`;
  const ss = `${s % 60}`.padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** How a call that is over ended, from its final session (missed, declined, hung up, failed). */
export function endText(c: CallText, session: CallSession | null): string {
  if (!session) return c.ended;
  const { status, endReason } = session;
  if (status === 'missed') return endReason === 'cancelled' ? c.cancelled : c.noAnswer;
  if (endReason === 'declined') return c.declined;
  if (status === 'failed') return c.notConnected;
  if (endReason === 'connection_lost') return c.dropped;
  return session.durationSeconds ? c.endedAfter(duration(session.durationSeconds)) : c.ended;
}

/** What the server records of a call in the conversation (`metadata.call`, extensions.md §15). */
export interface CallFacts {
  type?: string;
  status?: string;
  durationSeconds?: number;
  endReason?: string | null;
}

/**
 * A call event of the conversation ("Video call · 3:12", "Missed voice call") in the widget's
 * words; `null` when the facts are not there (then the server's text shows).
 */
export function eventText(c: CallText, facts: CallFacts): string | null {
  if (!facts.status) return null;
  const video = facts.type === 'video';
  if (facts.status === 'missed') return video ? c.missedVideo : c.missedVoice;
  if (facts.status === 'failed') return video ? c.failedVideo : c.failedVoice;
  if (facts.endReason === 'declined') return video ? c.declinedVideo : c.declinedVoice;
  return `${video ? c.videoCall : c.voiceCall} · ${duration(facts.durationSeconds ?? 0)}`;
}
