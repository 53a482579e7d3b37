/**
 * What `PATCH /calls/sessions/{id}/end` does to a call, by who asks and why (extensions.md §15).
 * Pure: the store applies the answer with a conditional UPDATE, so a call that moved on in
 * between is read again and decided again.
 */
import { ApiError } from '../http/errors.ts';
import { type CallRow, FINAL_STATUSES, type Finish } from '../store/calls.ts';

/** Who ends the call. */
export type CallParty = { role: 'visitor'; visitorId: string } | { role: 'agent'; agentId: string };

/** The client could not get media or connect: the call failed rather than ended. */
const FAILURES = new Set(['media_failed', 'connection_failed']);

/**
 * The change `by` asks for with `reason`; undefined when the call is already final (answered
 * 200 unchanged). An agent other than the one who answered may only decline a ringing call.
 */
export function planEnd(row: Pick<CallRow, 'status' | 'agent_id'>, by: CallParty, reason: string | undefined): Finish | undefined {
  if (FINAL_STATUSES.includes(row.status)) return undefined;
  const endedBy = by.role;
  const from = [row.status];
  if (reason !== undefined && FAILURES.has(reason)) {
    if (by.role === 'agent' && row.status === 'answered' && row.agent_id !== by.agentId) throw notYours();
    return { from, status: 'failed', endReason: reason, endedBy };
  }
  if (row.status === 'started') {
    // A caller hanging up before an answer cancelled it; an agent ending a ringing call declined it.
    return by.role === 'visitor'
      ? { from, status: 'missed', endReason: 'cancelled', endedBy }
      : { from, status: 'ended', endReason: 'declined', endedBy };
  }
  if (by.role === 'agent' && row.agent_id !== by.agentId) throw notYours();
  return { from, status: 'ended', endReason: 'hangup', endedBy };
}

function notYours(): ApiError {
  return new ApiError(409, 'CALL_NOT_RINGING', 'Another agent answered this call: only they can end it, and it no longer rings to decline.');
}
