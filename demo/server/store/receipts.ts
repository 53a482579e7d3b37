/**
 * Delivery and read receipts (extensions.md §8). A receipt for message N covers every message
 * of the other side up to N's seq ("read up to here"), so a burst is one request.
 */
import type { ReceiptKind } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';

export interface ReceiptOutcome {
  /** How many messages changed (0 when they already had this receipt). */
  changed: number;
  at: string;
}

/**
 * Marks the other side's messages with `seq <= upToSeq`. `by` is who confirms: a visitor
 * confirms agent/system/AI messages, an agent confirms visitor messages. Read implies delivered.
 */
export async function markReceipt(db: Queryable, conversationId: string, upToSeq: number, by: 'visitor' | 'agent', kind: ReceiptKind): Promise<ReceiptOutcome> {
  const side = by === 'visitor' ? "sender_type <> 'visitor'" : "sender_type = 'visitor'";
  const sql =
    kind === 'read'
      ? `UPDATE messages SET read_at = now(), delivered_at = COALESCE(delivered_at, now())
         WHERE conversation_id = $1 AND seq <= $2 AND ${side} AND read_at IS NULL RETURNING now() AS at`
      : `UPDATE messages SET delivered_at = now()
         WHERE conversation_id = $1 AND seq <= $2 AND ${side} AND delivered_at IS NULL RETURNING now() AS at`;
  const rows = await db.query<{ at: Date | string }>(sql, [conversationId, upToSeq]);
  const at = rows[0]?.at;
  return { changed: rows.length, at: at ? new Date(at).toISOString() : new Date().toISOString() };
}
