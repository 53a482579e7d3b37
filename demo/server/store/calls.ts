/**
 * Call sessions (extensions.md §15, migration 004). Every state change is one conditional
 * `UPDATE … WHERE status IN (…) RETURNING`: two agents answering at once, or an answer racing a
 * ring timeout, leave exactly one winner; the loser finds no row and is told so.
 */
import type { CallMetadata, CallSession, CallStatus, CallType } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../http/errors.ts';
import { newId } from '../ids.ts';
import { compact, iso, isoRequired } from './time.ts';

export type EndedBy = NonNullable<CallMetadata['endedBy']>;

export interface CallRow {
  [column: string]: unknown;
  id: string;
  tenant_id: string;
  conversation_id: string;
  visitor_id: string;
  type: CallType;
  direction: 'inbound' | 'outbound';
  status: CallStatus;
  started_at: Date | string;
  answered_at: Date | string | null;
  ended_at: Date | string | null;
  duration_seconds: number | null;
  end_reason: string | null;
  agent_id: string | null;
  agent_name: string | null;
  ended_by: EndedBy | null;
  metadata: Record<string, unknown> | null;
  ring_deadline: Date | string;
  /** The agent socket (hub socket id) holding an answered call's signaling; null until its first signal. */
  signal_socket?: string | null;
}

/** Statuses from which nothing changes any more. */
export const FINAL_STATUSES: readonly CallStatus[] = ['ended', 'missed', 'failed'];
/** A call that still rings or talks: at most one per conversation. */
export const LIVE_STATUSES: readonly CallStatus[] = ['started', 'answered'];

/**
 * Who may see a call: a visitor its own, an agent its tenant's. A call-link session
 * (extensions.md §15) sees only the calls of its link's conversation.
 */
export type CallViewer = { tenantId: string; visitorId?: string; conversationId?: string };

/**
 * `metadata` keys the server writes (extensions.md §15): a caller's values for them are dropped,
 * or agents would take a visitor's `agentName` for a fact.
 */
export const SERVER_OWNED_CALL_METADATA = ['agentId', 'agentName', 'endedBy'] as const;

/** `metadata` without the server-owned keys. */
export function withoutServerKeys(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata ?? {}).filter(([key]) => !(SERVER_OWNED_CALL_METADATA as readonly string[]).includes(key)));
}

/** Rows with the answering agent's name (a call's `metadata.agentName`). */
const WITH_AGENT = (from: string) => `SELECT s.*, a.name AS agent_name FROM ${from} s LEFT JOIN agents a ON a.id = s.agent_id`;

export function callNotFound(id: string): ApiError {
  return new ApiError(404, 'CALL_SESSION_NOT_FOUND', `No call session ${id} for this session.`);
}

export interface NewCall {
  tenantId: string;
  visitorId: string;
  conversationId: string;
  type: CallType;
  metadata?: Record<string, unknown>;
  /**
   * When it stops ringing, from the server process's clock: the timer that ends it runs on that
   * clock too, so a database host whose clock is off does not change how long a call rings.
   */
  ringDeadline: Date;
}

/**
 * Starts a call in the visitor's conversation. Locks the conversation row, so two creates in
 * one conversation take turns and the second sees the first (the partial unique index backs it).
 */
export async function createCall(db: Queryable, input: NewCall): Promise<CallRow> {
  const conversation = (
    await db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1 AND tenant_id = $2 AND visitor_id = $3 FOR UPDATE', [
      input.conversationId,
      input.tenantId,
      input.visitorId,
    ])
  )[0];
  if (!conversation) throw new ApiError(404, 'CONVERSATION_NOT_FOUND', `No conversation ${input.conversationId} for this session.`);
  if (conversation.status === 'closed') {
    throw new ApiError(409, 'CONVERSATION_CLOSED', 'This conversation is closed. Start a new conversation to call.');
  }
  const live = await db.query<{ id: string }>("SELECT id FROM call_sessions WHERE conversation_id = $1 AND status IN ('started', 'answered')", [
    input.conversationId,
  ]);
  if (live[0]) throw new ApiError(409, 'CALL_IN_PROGRESS', `Call ${live[0].id} is still going on in this conversation.`);
  const rows = await db.query<CallRow>(
    `WITH s AS (
       INSERT INTO call_sessions (id, tenant_id, conversation_id, visitor_id, type, metadata, ring_deadline)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::timestamptz) RETURNING *
     ) ${WITH_AGENT('s')}`,
    // 128 random bits: a call id is all a party's socket names when it signals.
    [newId('call', 16), input.tenantId, input.conversationId, input.visitorId, input.type, JSON.stringify(withoutServerKeys(input.metadata)), input.ringDeadline.toISOString()],
  );
  return mustHave(rows[0]);
}

export async function findCall(db: Queryable, viewer: CallViewer, id: string): Promise<CallRow | undefined> {
  const rows = viewer.visitorId
    ? await db.query<CallRow>(`${WITH_AGENT('call_sessions')} WHERE s.id = $1 AND s.tenant_id = $2 AND s.visitor_id = $3`, [id, viewer.tenantId, viewer.visitorId])
    : await db.query<CallRow>(`${WITH_AGENT('call_sessions')} WHERE s.id = $1 AND s.tenant_id = $2`, [id, viewer.tenantId]);
  const row = rows[0];
  return row && (viewer.conversationId === undefined || row.conversation_id === viewer.conversationId) ? row : undefined;
}

/** Most calls one list answers (live calls are few; a list of ended ones is cut to the newest). */
export const MAX_LISTED_CALLS = 100;

/** The tenant's newest calls in the given statuses (at most {@link MAX_LISTED_CALLS}), oldest first. */
export async function listCalls(db: Queryable, tenantId: string, statuses: readonly CallStatus[]): Promise<CallRow[]> {
  const rows = await db.query<CallRow>(
    `${WITH_AGENT('call_sessions')} WHERE s.tenant_id = $1 AND s.status = ANY($2::text[]) ORDER BY s.started_at DESC, s.id DESC LIMIT $3`,
    [tenantId, [...statuses], MAX_LISTED_CALLS],
  );
  return rows.reverse();
}

/** Every live call of every tenant (a starting server re-arms their timers). */
export async function listLiveCalls(db: Queryable): Promise<CallRow[]> {
  return db.query<CallRow>(`${WITH_AGENT('call_sessions')} WHERE s.status IN ('started', 'answered') ORDER BY s.started_at`);
}

/** Calls still ringing past their deadline (`now` from the server process's clock, like the deadline). */
export async function listOverdueCalls(db: Queryable, now: Date): Promise<CallRow[]> {
  return db.query<CallRow>(`${WITH_AGENT('call_sessions')} WHERE s.status = 'started' AND s.ring_deadline <= $1::timestamptz ORDER BY s.ring_deadline`, [
    now.toISOString(),
  ]);
}

/** `started → answered` for `agentId`; undefined when it was no longer ringing. */
export async function answerCall(db: Queryable, tenantId: string, id: string, agentId: string): Promise<CallRow | undefined> {
  const rows = await db.query<CallRow>(
    `WITH s AS (
       UPDATE call_sessions SET status = 'answered', answered_at = now(), agent_id = $3
       WHERE id = $1 AND tenant_id = $2 AND status = 'started' RETURNING *
     ) ${WITH_AGENT('s')}`,
    [id, tenantId, agentId],
  );
  return rows[0];
}

export interface Finish {
  /** Only from these statuses (the caller's reading of the call); otherwise nothing happens. */
  from: readonly CallStatus[];
  status: 'ended' | 'missed' | 'failed';
  endReason: string;
  endedBy: EndedBy;
}

/** A live call becomes final; undefined when its status was no longer one of `from`. */
export async function finishCall(db: Queryable, id: string, finish: Finish): Promise<CallRow | undefined> {
  const rows = await db.query<CallRow>(
    `WITH s AS (
       UPDATE call_sessions SET status = $3, end_reason = $4, ended_by = $5, ended_at = now(),
         -- Talk time only: answered to ended, whole seconds; a call never answered lasted 0.
         duration_seconds = CASE WHEN answered_at IS NULL THEN 0
           ELSE GREATEST(0, floor(extract(epoch FROM (now() - answered_at))))::int END
       WHERE id = $1 AND status = ANY($2::text[]) RETURNING *
     ) ${WITH_AGENT('s')}`,
    [id, [...finish.from], finish.status, finish.endReason, finish.endedBy],
  );
  return rows[0];
}

/** The contract's `CallSession`; the server-owned keys come from the columns only, never from what the caller stored. */
export function toCallSession(row: CallRow): CallSession {
  const metadata: CallMetadata & Record<string, unknown> = {
    ...withoutServerKeys(row.metadata),
    ...compact({ agentId: row.agent_id ?? undefined, agentName: row.agent_name ?? undefined, endedBy: row.ended_by ?? undefined }),
  };
  return {
    ...compact({
      id: row.id,
      conversationId: row.conversation_id,
      type: row.type,
      direction: row.direction,
      status: row.status,
      startedAt: isoRequired(row.started_at),
      answeredAt: iso(row.answered_at),
      endedAt: iso(row.ended_at),
    }),
    // Present and null until the call is final (extensions.md §15), so a reader need not guess.
    durationSeconds: row.duration_seconds ?? null,
    endReason: row.end_reason ?? null,
    metadata,
  };
}

function mustHave(row: CallRow | undefined): CallRow {
  if (!row) throw new Error('call insert returned no row');
  return row;
}
