/**
 * Applies `migrations/*.sql` in file-name order, each once, recorded in `schema_migrations`.
 * A transaction-scoped advisory lock around each step makes servers starting together against one
 * PostgreSQL take turns: each migration is applied once, by whichever instance gets there first
 * (PGlite has the same call; with one connection it never waits).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 81920001;

/** Returns the names of the migrations it applied (empty when the schema was current). */
export async function migrate(db: Database): Promise<string[]> {
  // Under the lock too: two `CREATE TABLE IF NOT EXISTS` racing on PostgreSQL can both pass the
  // check and one then fails on the catalog's unique index (several instances starting at once).
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  for (const name of files) {
    const sql = readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8');
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
      if (seen.length > 0) return false;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}
