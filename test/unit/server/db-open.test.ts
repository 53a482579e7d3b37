/**
 * A new PGlite data folder starts from the migrated template (`demo/server/db/open.ts`): it must
 * be a real, migrated, durable database of its own, with nothing left beside it.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../demo/server/db/open.ts';

const dirs: string[] = [];
const fresh = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-open-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('opening a new PGlite data folder', () => {
  it('gives a migrated database that keeps what is written across a restart', async () => {
    // The template exists once an in-memory database was opened (every test server does).
    await (await openDatabase({ dataDir: 'memory://' })).close();
    const dataDir = await fresh();
    const db = await openDatabase({ dataDir });
    const [migrated] = await db.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public'");
    expect(migrated!.n).toBeGreaterThan(5);
    await db.exec('create table perf2_probe (v text)');
    await db.query('insert into perf2_probe values ($1)', ['kept']);
    await db.close();
    // Only the database folder: no half-unpacked copy left beside it.
    expect(await readdir(dataDir)).toEqual(['pglite']);

    const again = await openDatabase({ dataDir });
    expect(await again.query('select v from perf2_probe')).toEqual([{ v: 'kept' }]);
    await again.close();
  });

  it('gives each new folder its own database', async () => {
    const a = await openDatabase({ dataDir: await fresh() });
    const b = await openDatabase({ dataDir: await fresh() });
    await a.exec('create table perf2_only_a (v int)');
    await expect(b.query('select * from perf2_only_a')).rejects.toThrow(/perf2_only_a/);
    await a.close();
    await b.close();
  });
});
