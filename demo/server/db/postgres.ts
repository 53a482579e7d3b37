/** PostgreSQL adapter through `pg`, used when `DATABASE_URL` is set. */
import pg from 'pg';
import { type Database, type Queryable, queryableOf } from './database.ts';
import { createListener } from './pg-listen.ts';

export async function openPostgres(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle pooled connection the server drops (restart, failover, admin kill) emits 'error' on
  // the pool; unhandled, that would crash the process. The pool replaces it on the next query.
  pool.on('error', () => undefined);
  // Fail at startup, not on the first request, when the database is unreachable.
  await pool.query('SELECT 1');
  const listeners: Array<() => Promise<void>> = [];
  // A script of several statements goes as a simple query (no parameters), which pg allows.
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable =>
    queryableOf(
      (sql, params) => client.query(sql, params),
      (sql) => client.query(sql),
    );
  return {
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload, onGap) {
      const stop = await createListener(connectionString, channel, onPayload, onGap);
      listeners.push(stop);
      return stop;
    },
    async close() {
      await Promise.all(listeners.splice(0).map((stop) => stop()));
      await pool.end();
    },
  };
}
