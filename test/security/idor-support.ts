/**
 * Shared by the origin and IDOR attack suites: a handle on the test server's database (through
 * its `seed` hook) and a snapshot of every table an attacker could change, so a test can show
 * that a refused attempt changed nothing at all.
 */
import type { Database } from '../../demo/server/db/database.ts';

/** The tables that hold visitor- and agent-visible state. */
const TABLES = ['visitors', 'conversations', 'messages', 'assignments', 'attachments', 'ai_conversations', 'call_sessions', 'device_push_tokens'] as const;

/** Every row of every table in {@link TABLES}, in a stable order, as one comparable value. */
export async function snapshot(db: Database): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    // Row order by the whole row's text: stable whatever the table's key is.
    const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

/** A `seed` hook that keeps the database, and runs `then` (a second tenant) if given. */
export function keepDatabase(then?: (db: Database) => Promise<void>): { seed: (db: Database) => Promise<void>; db: () => Database } {
  let kept: Database | undefined;
  return {
    async seed(db) {
      kept = db;
      await then?.(db);
    },
    db() {
      if (!kept) throw new Error('the server has not seeded yet');
      return kept;
    },
  };
}

/** A second tenant with its own allowlist, for cross-tenant and wildcard attacks. */
export function seedTenant(id: string, slug: string, allowedOrigins: readonly string[]): (db: Database) => Promise<void> {
  return async (db) => {
    await db.query(`INSERT INTO tenants (id, slug, public_key, name, allowed_origins) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      slug,
      `pk_${slug}`,
      `${slug} Co`,
      JSON.stringify(allowedOrigins),
    ]);
  };
}
