/**
 * The databases the tests of several instances on one database run on (the cluster, shared
 * rate limits): PGlite in this process (marked as not alone, so several instances share it
 * through the cluster path, as on PostgreSQL), and PostgreSQL too when TEST_DATABASE_URL is
 * set, each opened database one of its own.
 */
import pg from 'pg';
import type { Database } from '../../../demo/server/db/database.ts';
import { openDatabase } from '../../../demo/server/db/open.ts';

let fresh = 0;

/** A database of its own on the server (a short staleMs in one test must not reap another file's servers). */
async function freshPostgres(serverUrl: string, prefix: string): Promise<Database> {
  const name = `ringnity_${prefix}_${process.pid}_${Date.now()}_${fresh++}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  const db = await openDatabase({ dataDir: 'memory://', databaseUrl: target.toString() });
  return {
    ...db,
    async close() {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** `[name, open]` per engine; `prefix` names the PostgreSQL databases a file makes. */
export function clusterEngines(prefix: string): Array<[string, () => Promise<Database>]> {
  const url = process.env.TEST_DATABASE_URL;
  const engines: Array<[string, () => Promise<Database>]> = [['PGlite', async () => ({ ...(await openDatabase({ dataDir: 'memory://' })), oneProcess: false })]];
  if (url) engines.push(['PostgreSQL', () => freshPostgres(url, prefix)]);
  return engines;
}
