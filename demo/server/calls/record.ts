/**
 * The message a final call leaves in its conversation (extensions.md §15): a `system` message
 * of type `call` whose body reads well in any transcript and whose `metadata.call` a client
 * can render richer.
 */
import type { CallRow } from '../store/calls.ts';

export interface CallRecord {
  body: string;
  metadata: { call: { callSessionId: string; type: CallRow['type']; status: CallRow['status']; durationSeconds: number; endReason: string | null } };
}

export function callRecord(row: CallRow): CallRecord {
  const kind = row.type === 'video' ? 'video' : 'voice';
  const Kind = kind === 'video' ? 'Video' : 'Voice';
  const duration = row.duration_seconds ?? 0;
  let body: string;
  if (row.status === 'missed') body = `Missed ${kind} call`;
  else if (row.status === 'failed') body = `${Kind} call failed`;
  else if (row.end_reason === 'declined') body = `Declined ${kind} call`;
  else body = `${Kind} call · ${clock(duration)}`;
  return {
    body,
    metadata: { call: { callSessionId: row.id, type: row.type, status: row.status, durationSeconds: duration, endReason: row.end_reason } },
  };
}

/** `3:07`, or `1:02:07` from an hour on. */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
