/**
 * Fills a conversation with `count` messages straight in the database (one statement, seconds
 * for 100k), after whatever it has: visitor and agent take turns, seq numbers continue, the
 * conversation's `last_seq` follows. For the scale and cold-start benches; never for tests of
 * behaviour (it skips the server's rules on purpose).
 */
import type { Queryable } from '../../demo/server/db/database.ts';

export async function seedMessages(db: Queryable, conversationId: string, count: number): Promise<void> {
  await db.query(
    `INSERT INTO messages (id, conversation_id, seq, sender_type, sender_id, sender_name, body)
     SELECT 'msg_bench_' || c.id || '_' || g, c.id, c.last_seq + g,
            CASE WHEN g % 2 = 0 THEN 'agent' ELSE 'visitor' END,
            CASE WHEN g % 2 = 0 THEN 'agent-demo' ELSE c.visitor_id END,
            CASE WHEN g % 2 = 0 THEN 'Demo Agent' END,
            'Message ' || g || ': the order ships tomorrow morning, tracking follows by email.'
     FROM conversations c, generate_series(1, $2::int) g WHERE c.id = $1`,
    [conversationId, count],
  );
  await db.query(
    `UPDATE conversations SET last_seq = last_seq + $2::int, last_message_at = now(),
       last_message_preview = 'Message ' || $2::int, updated_at = now() WHERE id = $1`,
    [conversationId, count],
  );
}
