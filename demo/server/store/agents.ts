/** Agents of a tenant: profile, presence and who is online. */
import type { AgentProfile, Presence } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import { compact, iso } from './time.ts';

export type PresenceStatus = 'available' | 'busy' | 'offline';

export interface AgentRow {
  [column: string]: unknown;
  id: string;
  tenant_id: string;
  username: string;
  name: string;
  role: string;
  password_hash: string | null;
  presence: PresenceStatus;
  last_activity_at: Date | string | null;
}

/** The default scopes of an agent token. */
export const AGENT_SCOPES = ['conversations:read', 'conversations:write', 'presence:write'];

export async function findAgent(db: Queryable, tenantId: string, ref: { agentId?: string; username?: string }): Promise<AgentRow | undefined> {
  if (ref.agentId) {
    return (await db.query<AgentRow>('SELECT * FROM agents WHERE id = $1 AND tenant_id = $2', [ref.agentId, tenantId]))[0];
  }
  if (ref.username) {
    return (await db.query<AgentRow>('SELECT * FROM agents WHERE username = $1 AND tenant_id = $2', [ref.username, tenantId]))[0];
  }
  return undefined;
}

export async function setPresence(db: Queryable, agentId: string, status: PresenceStatus): Promise<AgentRow> {
  const [row] = await db.query<AgentRow>(
    'UPDATE agents SET presence = $2, last_activity_at = now() WHERE id = $1 RETURNING *',
    [agentId, status],
  );
  return row as AgentRow;
}

/** How many agents of the tenant are `available` (what visitor availability is based on). */
export async function countAvailableAgents(db: Queryable, tenantId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1 AND presence = 'available'",
    [tenantId],
  );
  return row?.n ?? 0;
}

export function toAgentProfile(row: AgentRow, scopes: string[] = AGENT_SCOPES): AgentProfile {
  return { agentId: row.id, username: row.username, name: row.name, role: row.role, scopes };
}

export function toPresence(row: AgentRow): Presence {
  return compact({
    agentId: row.id,
    status: row.presence,
    online: row.presence !== 'offline',
    lastActivityAt: iso(row.last_activity_at),
  });
}
