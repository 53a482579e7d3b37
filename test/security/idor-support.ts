/**
 * Shared by the origin and IDOR attack suites: a handle on the test server's database (through
 * its `seed` hook) and a snapshot of every table an attacker could change, so a test can show
 * that a refused attempt changed nothing at all.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Database } from '../../demo/server/db/database.ts';
import type { CallResult } from '../contract/support.ts';

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

/** An id of the same shape as `id` that names nothing. */
export const unknownLike = (id: string) => `${id.slice(0, id.indexOf('_') + 1)}${randomBytes(16).toString('base64url')}`;

/** The envelope as text with the asked-for id blanked: what an attacker can tell apart. */
export const shape = (res: CallResult, id: string) => ({ status: res.status, body: JSON.stringify(res.body).replaceAll(id, '<id>') });

/** Sends `attempt` with A's id and with an unknown one: both must be the same 404. */
export async function expectSame404(label: string, foreignId: string, attempt: (id: string) => Promise<CallResult>): Promise<void> {
  const unknownId = unknownLike(foreignId);
  const foreign = shape(await attempt(foreignId), foreignId);
  const unknown = shape(await attempt(unknownId), unknownId);
  expect(foreign.status, `${label}: ${foreign.body}`).toBe(404);
  // The 404 of a resource, not of a mistyped route (which would prove nothing).
  expect(foreign.body, label).not.toContain('ROUTE_NOT_FOUND');
  expect(foreign, label).toEqual(unknown);
}
