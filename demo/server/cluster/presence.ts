/**
 * Which realtime sockets are open on every instance, kept in memory on each from `cluster_sockets`
 * and the bus's presence events, so `hasSocket` stays a synchronous look-up (a call's drop grace
 * asks it). Each instance registers in `cluster_instances` and beats every `heartbeatMs`; any
 * instance reaps one silent for `staleMs` (killed with SIGKILL, frozen, cut off): its rows are
 * deleted, a gone event tells the others, and a call's signaling it held is freed. An instance
 * that finds itself reaped though alive (its beat stalled) rejoins in the next epoch and tells
 * its sockets again. The heartbeat runs on its own chain, never behind a burst of socket writes.
 *
 * Alone on a database one process holds (PGlite), presence is this instance's sockets, in memory.
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
  /** The instance's epoch when it told of this socket. */
  epoch: number;
}

export interface ClusterPresence {
  /** A socket of this instance authenticated (applied here now, stored and told to the others in order). */
  added(socketId: string, info: SocketInfo): void;
  removed(socketId: string): void;
  /** Applies another instance's event; answers the sockets that came (`present`) or went. */
  apply(event: (PresenceEvent | GoneEvent) & { i: string; ep?: number }): Array<{ socketId: string; info: SocketInfo; present: boolean }>;
  /** Whether `subject` has a socket on any instance (for a visitor and `conversationId`: not a call-link socket of another conversation). */
  has(role: 'visitor' | 'agent', tenantId: string, subject: string, conversationId?: string): boolean;
  isLive(socketId: string): boolean;
  /**
   * Replaces what this instance knows of the others' sockets with `cluster_sockets` (presence
   * events can be lost: a LISTEN gap, a publish given up); answers what came and went.
   */
  resync(): Promise<Array<{ socketId: string; info: SocketInfo; present: boolean }>>;
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
  const alone = bus.inProcess;
  const sockets = new Map<string, Entry>();
  const bySubject = new Map<string, Set<string>>();
  // Instances that left or were reaped, with the epoch they were in: a presence event of theirs
  // from that epoch or before, arriving late, is not believed (one from a later epoch is: it rejoined).
  const gone = new Map<string, number>();
  const keyOf = (role: string, tenantId: string, subject: string) => `${role}\n${tenantId}\n${subject}`;
  // This instance's writes in order: a socket that closes at once is never inserted after its delete.
  let writes: Promise<unknown> = Promise.resolve();
  let heartbeat: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;
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
  const infoOf = ({ instanceId: _instanceId, epoch: _epoch, ...info }: Entry): SocketInfo => info;
  // Sockets others told of while a resync reads the table: its snapshot does not overrule them.
  let toldDuringResync: Set<string> | undefined;
  type SocketRow = { socket_id: string; instance_id: string; epoch: number; role: 'visitor' | 'agent'; tenant_id: string; subject: string; call_scope: string | null };
  const remoteRows = () =>
    db.query<SocketRow>(
      `SELECT s.socket_id, s.instance_id, i.epoch, s.role, s.tenant_id, s.subject, s.call_scope
       FROM cluster_sockets s JOIN cluster_instances i ON i.id = s.instance_id WHERE s.instance_id <> $1`,
      [me],
    );
  const entryOf = (row: SocketRow): Entry => ({
    role: row.role,
    tenantId: row.tenant_id,
    subject: row.subject,
    ...(row.call_scope !== null ? { callScope: row.call_scope } : {}),
    instanceId: row.instance_id,
    epoch: row.epoch,
  });
  const announce = (socketId: string, info: SocketInfo) =>
    bus.publish({ k: 'p', s: socketId, role: info.role, t: info.tenantId, sub: info.subject, ...(info.callScope !== undefined ? { cs: info.callScope } : {}), on: true });

  const insertSocket = (socketId: string, info: SocketInfo) =>
    db.query(
      `INSERT INTO cluster_sockets (socket_id, instance_id, role, tenant_id, subject, call_scope) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (socket_id) DO NOTHING`,
      [socketId, me, info.role, info.tenantId, info.subject, info.callScope ?? null],
    );

  const register = async () => {
    await db.query(
      'INSERT INTO cluster_instances (id, epoch) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), epoch = EXCLUDED.epoch',
      [me, bus.epoch],
    );
  };

  /**
   * Beats; rejoins in the next epoch if another instance reaped this one meanwhile (the others
   * forgot its sockets and disbelieve its old epoch: each socket is stored and told again, in
   * order with the socket writes); reaps the silent.
   */
  const beat = async () => {
    const alive = await db.query('UPDATE cluster_instances SET heartbeat_at = now() WHERE id = $1 RETURNING id', [me]);
    if (alive.length === 0) {
      bus.epoch++;
      options.onError(`cluster presence: this instance was reaped while alive (a stalled heartbeat); rejoining in epoch ${bus.epoch}`, undefined);
      await register();
      write(async () => {
        for (const [socketId, entry] of [...sockets]) {
          // One closed meanwhile is skipped (its delete is queued after this).
          if (entry.instanceId !== me || sockets.get(socketId) !== entry) continue;
          await insertSocket(socketId, infoOf(entry));
          announce(socketId, infoOf(entry));
        }
      }, 'rejoining');
    }
    const reaped = await db.query<{ id: string; epoch: number }>(
      `DELETE FROM cluster_instances WHERE id <> $1 AND heartbeat_at < now() - make_interval(secs => $2) RETURNING id, epoch`,
      [me, options.staleMs / 1000],
    );
    if (reaped.length === 0) return;
    const ids = reaped.map((row) => row.id);
    // A dead console cannot hold a call's signaling: the agent's next console to signal takes it.
    await db.query(`UPDATE call_sessions SET signal_socket = NULL WHERE split_part(signal_socket, '/', 1) = ANY($1::text[])`, [ids]);
    for (const row of reaped) bus.publish({ k: 'g', g: row.id, ...(row.epoch > 0 ? { ge: row.epoch } : {}) });
  };

  const forget = (instanceId: string, epoch: number) => {
    const gone: Array<{ socketId: string; info: SocketInfo }> = [];
    for (const [socketId, entry] of [...sockets]) {
      if (entry.instanceId !== instanceId || entry.epoch > epoch) continue;
      drop(socketId);
      gone.push({ socketId, info: infoOf(entry) });
    }
    return gone;
  };

  return {
    added(socketId, info) {
      put(socketId, { ...info, instanceId: me, epoch: bus.epoch });
      if (closed || alone) return;
      write(async () => {
        await insertSocket(socketId, info);
        announce(socketId, info);
      }, 'adding a socket');
    },
    removed(socketId) {
      const entry = drop(socketId);
      // After close() the instance row is gone, its sockets' rows with it.
      if (!entry || closed || alone) return;
      write(async () => {
        await db.query('DELETE FROM cluster_sockets WHERE socket_id = $1', [socketId]);
        bus.publish({ k: 'p', s: socketId, role: entry.role, t: entry.tenantId, sub: entry.subject, on: false });
      }, 'removing a socket');
    },
    apply(event) {
      // A reap is heard by its reaper too; this instance's own sockets were applied when they came.
      if (event.k === 'g') {
        if (event.g === me) return [];
        const epoch = Math.max(event.ge ?? 0, gone.get(event.g) ?? -1);
        gone.set(event.g, epoch);
        return forget(event.g, epoch).map((g) => ({ ...g, present: false }));
      }
      const epoch = event.ep ?? 0;
      if (event.i === me || epoch <= (gone.get(event.i) ?? -1)) return [];
      toldDuringResync?.add(event.s);
      const info: SocketInfo = { role: event.role, tenantId: event.t, subject: event.sub, ...(event.cs !== undefined ? { callScope: event.cs } : {}) };
      if (event.on) {
        const known = sockets.get(event.s);
        if (known) {
          // Told again by a rejoining instance before its reap was heard here: it survives that reap.
          known.epoch = Math.max(known.epoch, epoch);
          return [];
        }
        put(event.s, { ...info, instanceId: event.i, epoch });
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
    async resync() {
      if (alone || closed) return [];
      const told = new Set<string>();
      toldDuringResync = told;
      let rows: SocketRow[];
      try {
        rows = await remoteRows();
      } finally {
        toldDuringResync = undefined;
      }
      const changes: Array<{ socketId: string; info: SocketInfo; present: boolean }> = [];
      const listed = new Map(rows.map((row) => [row.socket_id, row]));
      for (const [socketId, entry] of [...sockets]) {
        if (entry.instanceId === me || listed.has(socketId) || told.has(socketId)) continue;
        drop(socketId);
        changes.push({ socketId, info: infoOf(entry), present: false });
      }
      for (const row of rows) {
        if (sockets.has(row.socket_id) || told.has(row.socket_id) || row.epoch <= (gone.get(row.instance_id) ?? -1)) continue;
        const entry = entryOf(row);
        put(row.socket_id, entry);
        changes.push({ socketId: row.socket_id, info: infoOf(entry), present: true });
      }
      return changes;
    },
    async start() {
      if (alone) return;
      await register();
      for (const row of await remoteRows()) if (!sockets.has(row.socket_id)) put(row.socket_id, entryOf(row));
      heartbeat = setInterval(() => {
        // Its own chain: a beat never waits behind socket writes; one still running is not doubled.
        if (closed || beating) return;
        beating = beat()
          .catch((error: unknown) => options.onError('cluster presence: heartbeat failed', error))
          .finally(() => {
            beating = undefined;
          });
      }, options.heartbeatMs);
      heartbeat.unref();
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      if (alone) return;
      await beating;
      await writes;
      // Sockets first (the cascade), then the others hear it at once instead of after `staleMs`.
      await db.query('DELETE FROM cluster_instances WHERE id = $1', [me]).catch((error: unknown) => options.onError('cluster presence: leaving failed', error));
      bus.publish({ k: 'g', g: me, ...(bus.epoch > 0 ? { ge: bus.epoch } : {}) });
    },
  };
}
