/** PGlite adapter: embedded Postgres in this process, on disk or in memory. */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type Database, type Queryable, queryableOf } from './database.ts';

/**
 * Opens PGlite at `dataDir` (a folder, created when missing) or `memory://`.
 * `loadDataDir` starts from a dump instead of running initdb, which takes seconds.
 */
export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<Database & { dump(): Promise<Blob> }> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable =>
    queryableOf(
      (sql, params) => q.query(sql, params),
      (sql) => q.exec(sql),
    );
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
