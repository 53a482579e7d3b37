/**
 * Whether this instance can do its work, for `/sdk/health` (a load balancer's check): the
 * database answers a trivial query, and the cluster's `LISTEN` connection hears this instance's
 * own probe, both within a deadline. An instance whose listener is down still answers HTTP but
 * its sockets would miss every event, so it should be taken out of rotation until it is back.
 */
import type { Database } from '../db/database.ts';

/** Why an instance is not healthy, as the health route says it; undefined when it is. */
export type Unhealthy = 'database' | 'listener';

// The cluster of each open database: the route reaches it through `deps.db`, which it has.
const listeners = new WeakMap<Database, (timeoutMs: number) => Promise<boolean>>();

/** Called by the cluster when it starts listening (and with undefined when it closes). */
export function registerListenerProbe(db: Database, probe: ((timeoutMs: number) => Promise<boolean>) | undefined): void {
  if (probe) listeners.set(db, probe);
  else listeners.delete(db);
}

/** Checks the database and the listener at once, each within `timeoutMs`. */
export async function checkHealth(db: Database, timeoutMs: number): Promise<Unhealthy | undefined> {
  const probe = listeners.get(db);
  const [database, listener] = await Promise.all([answersWithin(db, timeoutMs), probe ? probe(timeoutMs) : Promise.resolve(false)]);
  if (!database) return 'database';
  return listener ? undefined : 'listener';
}

async function answersWithin(db: Database, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const query = db.query('SELECT 1 AS ok').then(
      () => true,
      () => false,
    );
    return await Promise.race([query, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
