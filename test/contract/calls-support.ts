/**
 * What the call contract tests share: a second tenant (`other`) with an agent of its own, to
 * show that a call never reaches across tenants.
 */
import type { Database } from '../../demo/server/db/database.ts';
import type { TestServer } from '../helpers/server.ts';
import { forgeToken } from './support.ts';

/** Seeds the tenant `client_other` (slug `other`) and its agent `agent-other`. */
export async function seedOtherTenant(db: Database): Promise<void> {
  await db.query(`INSERT INTO tenants (id, slug, public_key, name) VALUES ('client_other', 'other', 'pk_other', 'Other Co')`);
  await db.query(`INSERT INTO agents (id, tenant_id, username, name, presence) VALUES ('agent-other', 'client_other', 'olive', 'Olive', 'available')`);
}

/** A ten-minute agent token of `agent-other`, signed with the server's secret (the Server API mints only the demo tenant's). */
export const otherTenantAgent = (server: Pick<TestServer, 'tokenSecret'>): Promise<string> =>
  forgeToken(server, { typ: 'agent', tid: 'client_other', sub: 'agent-other' }, 600);

/** {@link seedOtherTenant}, and a second agent of the demo tenant (`agent-two`) to race the first. */
export async function seedSecondAgent(db: Database): Promise<void> {
  await seedOtherTenant(db);
  await db.query(`INSERT INTO agents (id, tenant_id, username, name, presence) VALUES ('agent-two', 'client_acme', 'two', 'Sam', 'available')`);
}
