/**
 * Which realtime sockets are open on every instance, kept in memory on each from `cluster_sockets`
 * and the bus's presence events, so `hasSocket` stays a synchronous look-up (a call's drop grace
 * asks it). Each instance registers in `cluster_instances` and beats every `heartbeatMs`; any
 * instance reaps one silent for `staleMs` (killed with SIGKILL, frozen, cut off): its rows are
 * deleted, a gone event tells the others, and a call's signaling it held is freed.
 */
import type { Database } from '../db/database.ts';
import type { Bus } from './bus.ts';
import type { GoneEvent, PresenceEvent } from './events.ts';

export interface SocketInfo {
  role: 'visitor' | 'agent';
  tenantId: string;
  subject: string;
  callScope?: string;
}

interface Entry extends SocketInfo {
  instanceId: string;
}

export interface ClusterPresence {
  /** A socket of this instance authenticated (applied here now, stored and told to the others in order). */
  added(socketId: string, info: SocketInfo): void;
  removed(socketId: string): void;
  /** Applies another instance's event; answers the sockets that came (`present`) or went. */
  apply(event: (PresenceEvent | GoneEvent) & { i: string }): Array<{ socketId: string; info: SocketInfo; present: boolean }>;
  /** Whether `subject` has a socket on any instance (for a visitor and `conversationId`: not a call-link socket of another conversation). */
  has(role: 'visitor' | 'agent', tenantId: string, subject: string, conversationId?: string): boolean;
  isLive(socketId: string): boolean;
  /** Registers this instance, loads the others' sockets, starts the heartbeat. */
  start(): Promise<void>;
  /** Stops the heartbeat and removes this instance's rows (its sockets are closed by then). */
  close(): Promise<void>;
}

export interface PresenceOptions {
  heartbeatMs: number;
  staleMs: number;
  onError(message: string, error: unknown): void;
}

export function createPresence(db: Database, bus: Bus, options: PresenceOptions): ClusterPresence {
  const me = bus.instanceId;
  const sockets = new Map<string, Entry>();
  const bySubject = new Map<string, Set<string>>();
  // Instances that left or were reaped: a presence event of theirs arriving late is not believed.
  const gone = new Set<string>();
  const keyOf = (role: string, tenantId: string, subject: string) => `${role}\n${tenantId}\n${subject}`;
  // This instance's writes in order: a socket that closes at once is never inserted after its delete.
  let writes: Promise<unknown> = Promise.resolve();
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;

  const write = (work: () => Promise<unknown>, what: string) => {
    writes = writes.then(work).catch((error: unknown) => options.onError(`cluster presence: ${what} failed`, error));
  };

  const put = (socketId: string, entry: Entry) => {
    sockets.set(socketId, entry);
    const key = keyOf(entry.role, entry.tenantId, entry.subject);
    let set = bySubject.get(key);
    if (!set) bySubject.set(key, (set = new Set()));
    set.add(socketId);
  };
  const drop = (socketId: string): Entry | undefined => {
    const entry = sockets.get(socketId);
    if (!entry) return undefined;
    sockets.delete(socketId);
    const key = keyOf(entry.role, entry.tenantId, entry.subject);
    const set = bySubject.get(key);
    if (set?.delete(socketId) && set.size === 0) bySubject.delete(key);
    return entry;
  };
  const infoOf = ({ instanceId: _instanceId, ...info }: Entry): SocketInfo => info;

  const insertSocket = (socketId: string, info: SocketInfo) =>
    db.query(
      `INSERT INTO cluster_sockets (socket_id, instance_id, role, tenant_id, subject, call_scope) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (socket_id) DO NOTHING`,
      [socketId, me, info.role, info.tenantId, info.subject, info.callScope ?? null],
    );

  const register = async () => {
    await db.query(
      'INSERT INTO cluster_instances (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()',
      [me],
    );
  };

  /** Beats; re-registers (with its sockets) if another instance reaped this one meanwhile; reaps the silent. */
  const beat = async () => {
    const alive = await db.query('UPDATE cluster_instances SET heartbeat_at = now() WHERE id = $1 RETURNING id', [me]);
    if (alive.length === 0) {
      await register();
      for (const [socketId, entry] of sockets) if (entry.instanceId === me) await insertSocket(socketId, infoOf(entry));
    }
    const reaped = await db.query<{ id: string }>(
      `DELETE FROM cluster_instances WHERE id <> $1 AND heartbeat_at < now() - make_interval(secs => $2) RETURNING id`,
      [me, options.staleMs / 1000],
    );
    if (reaped.length === 0) return;
    const ids = reaped.map((row) => row.id);
    // A dead console cannot hold a call's signaling: the agent's next console to signal takes it.
    await db.query(`UPDATE call_sessions SET signal_socket = NULL WHERE split_part(signal_socket, '/', 1) = ANY($1::text[])`, [ids]);
    for (const id of ids) bus.publish({ k: 'g', g: id });
  };

  const forget = (instanceId: string) => {
    const gone: Array<{ socketId: string; info: SocketInfo }> = [];
    for (const [socketId, entry] of [...sockets]) {
      if (entry.instanceId !== instanceId) continue;
      drop(socketId);
      gone.push({ socketId, info: infoOf(entry) });
    }
    return gone;
  };

  return {
    added(socketId, info) {
      put(socketId, { ...info, instanceId: me });
      if (closed) return;
      write(async () => {
        await insertSocket(socketId, info);
        bus.publish({ k: 'p', s: socketId, role: info.role, t: info.tenantId, sub: info.subject, ...(info.callScope !== undefined ? { cs: info.callScope } : {}), on: true });
      }, 'adding a socket');
    },
    removed(socketId) {
      const entry = drop(socketId);
      // After close() the instance row is gone, its sockets' rows with it.
      if (!entry || closed) return;
      write(async () => {
        await db.query('DELETE FROM cluster_sockets WHERE socket_id = $1', [socketId]);
        bus.publish({ k: 'p', s: socketId, role: entry.role, t: entry.tenantId, sub: entry.subject, on: false });
      }, 'removing a socket');
    },
    apply(event) {
      // A reap is heard by its reaper too; this instance's own sockets were applied when they came.
      if (event.k === 'g') {
        if (event.g === me) return [];
        gone.add(event.g);
        return forget(event.g).map((g) => ({ ...g, present: false }));
      }
      if (event.i === me || gone.has(event.i)) return [];
      const info: SocketInfo = { role: event.role, tenantId: event.t, subject: event.sub, ...(event.cs !== undefined ? { callScope: event.cs } : {}) };
      if (event.on) {
        if (sockets.has(event.s)) return [];
        put(event.s, { ...info, instanceId: event.i });
        return [{ socketId: event.s, info, present: true }];
      }
      return drop(event.s) ? [{ socketId: event.s, info, present: false }] : [];
    },
    has(role, tenantId, subject, conversationId) {
      for (const socketId of bySubject.get(keyOf(role, tenantId, subject)) ?? []) {
        const entry = sockets.get(socketId);
        if (!entry) continue;
        if (role === 'agent' || entry.callScope === undefined || conversationId === undefined || entry.callScope === conversationId) return true;
      }
      return false;
    },
    isLive(socketId) {
      return sockets.has(socketId);
    },
    async start() {
      await register();
      const rows = await db.query<{ socket_id: string; instance_id: string; role: 'visitor' | 'agent'; tenant_id: string; subject: string; call_scope: string | null }>(
        'SELECT socket_id, instance_id, role, tenant_id, subject, call_scope FROM cluster_sockets WHERE instance_id <> $1',
        [me],
      );
      for (const row of rows) {
        if (sockets.has(row.socket_id)) continue;
        put(row.socket_id, {
          role: row.role,
          tenantId: row.tenant_id,
          subject: row.subject,
          ...(row.call_scope !== null ? { callScope: row.call_scope } : {}),
          instanceId: row.instance_id,
        });
      }
      heartbeat = setInterval(() => {
        if (!closed) write(beat, 'heartbeat');
      }, options.heartbeatMs);
      heartbeat.unref();
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      await writes;
      // Sockets first (the cascade), then the others hear it at once instead of after `staleMs`.
      await db.query('DELETE FROM cluster_instances WHERE id = $1', [me]).catch((error: unknown) => options.onError('cluster presence: leaving failed', error));
      bus.publish({ k: 'g', g: me });
    },
  };
}
