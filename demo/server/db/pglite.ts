/** PGlite adapter: embedded Postgres in this process, on disk or in memory. */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, Row } from './database.ts';

/**
 * Opens PGlite at `dataDir` (a folder, created when missing) or `memory://`.
 * `loadDataDir` starts from a dump instead of running initdb, which takes seconds.
 */
export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<Database & { dump(): Promise<Blob> }> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const result = await q.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  return {
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
    oneProcess: true,
    // One embedded connection: nothing can drop, so there is never a gap.
    listen: (channel, onPayload) => db.listen(channel, onPayload).then((stop) => () => stop()),
    async dump() {
      const file = await db.dumpDataDir('none');
      return file;
    },
  };
}
