/**
 * What visitors see of the team (extensions.md §10): `online` while an agent is available,
 * `away` while agents are signed in but busy, `offline` when none is. The tenant's expected
 * reply time goes with it, so the widget can say "we usually reply in about N minutes".
 */
import type { Availability } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import type { TenantRow } from './tenants.ts';

export async function availabilityOf(db: Queryable, tenant: TenantRow): Promise<Availability> {
  const [row] = await db.query<{ available: number; busy: number }>(
    `SELECT count(*) FILTER (WHERE presence = 'available')::int AS available, count(*) FILTER (WHERE presence = 'busy')::int AS busy
     FROM agents WHERE tenant_id = $1`,
    [tenant.id],
  );
  const agentsOnline = row?.available ?? 0;
  const reply = tenant.expected_reply_minutes ?? undefined;
  const withReply = <T extends Availability>(value: T): T => (reply ? { ...value, expectedReplyMinutes: reply } : value);
  if (agentsOnline > 0) return withReply({ available: true, status: 'available', state: 'online', agentsOnline });
  const later = reply ? ` We usually reply within ${reply} minutes.` : '';
  if ((row?.busy ?? 0) > 0) {
    return withReply({ available: false, state: 'away', agentsOnline, reason: `Our team is busy right now. Leave a message and we will reply here.${later}` });
  }
  return withReply({ available: false, state: 'offline', agentsOnline, reason: `No one is online right now. Leave a message and we will reply here.${later}` });
}
