/**
 * Builds the realtime side of one instance: bus, cluster-wide presence, the cluster hub around
 * this process's hub, and a typing relay whose "sender sent a message" reaches the instance
 * holding the indicator. Started before the server takes requests, closed after its sockets.
 */
import { randomBytes } from 'node:crypto';
import { CLOSE_CODES } from '../../../src/contract/extensions.ts';
import type { AttachmentLinkService } from '../attachments/links.ts';
import type { Database } from '../db/database.ts';
import { createHub } from '../realtime/hub.ts';
import type { TypingRelay } from '../realtime/typing.ts';
import { createBus } from './bus.ts';
import { type ClusterHub, createClusterHub } from './cluster-hub.ts';
import { createPresence } from './presence.ts';
import { registerListenerProbe } from './health.ts';

/** Timings a test shortens. */
export interface ClusterTimings {
  /** @default 5000 */
  heartbeatMs?: number;
  /** An instance silent this long is reaped. @default 15000 */
  staleMs?: number;
  /** Stored frames (signals, AI streams) older than this are deleted. @default 60000 */
  frameTtlMs?: number;
  /** How often the instance checks that its `LISTEN` connection hears its own probe (reopened when not). @default 10000 */
  listenProbeMs?: number;
  /** How often the others' sockets are reloaded from the database (lost presence events heal). @default 30000 */
  resyncMs?: number;
}

export interface Cluster {
  readonly instanceId: string;
  readonly hub: ClusterHub;
  /** `relay` with `messageSent` told to every instance. */
  typing(relay: TypingRelay): TypingRelay;
  start(): Promise<void>;
  /** After the sockets closed: leaves the cluster (others forget its sockets now) and stops listening. */
  close(): Promise<void>;
}

export function createCluster(
  db: Database,
  options: { links: AttachmentLinkService; onError(message: string, error: unknown): void } & ClusterTimings,
): Cluster {
  // No '/' (socket ids are `instance/n`); random, so a restarted process is a new instance.
  const instanceId = randomBytes(6).toString('hex');
  const bus = createBus(db, { instanceId, onError: options.onError });
  const presence = createPresence(db, bus, { heartbeatMs: options.heartbeatMs ?? 5000, staleMs: options.staleMs ?? 15_000, onError: options.onError });
  let relay: TypingRelay | undefined;
  const hub = createClusterHub({
    db,
    bus,
    local: createHub({ idPrefix: instanceId }),
    presence,
    links: options.links,
    onTypingStop: (role, subject, conversationId) => relay?.messageSent(role, subject, conversationId),
  });
  const frameTtlMs = options.frameTtlMs ?? 60_000;
  const listenProbeMs = options.listenProbeMs ?? 10_000;
  let sweeper: NodeJS.Timeout | undefined;
  let selfProbe: NodeJS.Timeout | undefined;
  let resyncer: NodeJS.Timeout | undefined;
  const toldToResume = new WeakSet<object>();
  const resync = () => hub.resyncPresence().catch((error: unknown) => options.onError('cluster: reloading presence failed', error));
  let probing = false;

  return {
    instanceId,
    hub,
    typing(inner) {
      relay = inner;
      return {
        ...inner,
        messageSent(role, subject, conversationId) {
          // Here at once (its `typing: false` goes out before the message's frame, as in one process), elsewhere through the bus.
          inner.messageSent(role, subject, conversationId);
          if (!bus.inProcess) bus.publish({ k: 'ts', role, sub: subject, c: conversationId });
        },
      };
    },
    async start() {
      await bus.start(
        (events) => hub.deliver(events.filter((event) => !(event.k === 'ts' && event.i === instanceId))),
        () => {
          // Frames sent while the listening connection was down are lost: this instance's sockets
          // reconnect (1012, as on a restart) and their clients resume from seq.
          options.onError('cluster: the LISTEN connection dropped; closing this instance\'s sockets so their clients resume', undefined);
          // Told at the drop and again at the reopen: the second time only sockets that came
          // during the gap are closed, so a client does not reconnect twice for one blip.
          for (const subscriber of hub.all()) {
            if (toldToResume.has(subscriber)) continue;
            toldToResume.add(subscriber);
            subscriber.close?.(CLOSE_CODES.serviceRestart, 'Missed events: reconnect and resume from seq');
          }
          // Presence events were missed too (told again at the reopen, when the gap is over).
          void resync();
        },
      );
      await presence.start();
      registerListenerProbe(db, (timeoutMs) => bus.probe(timeoutMs));
      // Alone (PGlite), nothing goes through the database: no listener to check, no frame stored.
      if (bus.inProcess) return;
      // A connection can look open and hear nothing (half-open TCP, a pooler in transaction
      // mode): when its own probe is not heard, it is ended, so the drop path above runs.
      // Two misses in a row, not one: a CPU-starved instance (the load bench at 5,000 sockets) can
      // hear its probe late, and a reopen closes every socket of the instance (1012).
      let missed = 0;
      selfProbe = setInterval(() => {
        if (probing) return;
        probing = true;
        bus
          .probe(Math.min(5000, listenProbeMs))
          .then((heard) => {
            missed = heard ? 0 : missed + 1;
            if (missed < 2) return;
            missed = 0;
            options.onError('cluster: the LISTEN connection did not hear its own probe twice; reopening it', undefined);
            bus.reopen();
          })
          .finally(() => {
            probing = false;
          });
      }, listenProbeMs);
      selfProbe.unref();
      resyncer = setInterval(() => void resync(), options.resyncMs ?? 30_000);
      resyncer.unref();
      sweeper = setInterval(() => {
        db.query('DELETE FROM cluster_frames WHERE created_at < now() - make_interval(secs => $1)', [frameTtlMs / 1000]).catch((error: unknown) =>
          options.onError('cluster: deleting old frames failed', error),
        );
      }, Math.min(frameTtlMs, 30_000));
      sweeper.unref();
    },
    async close() {
      registerListenerProbe(db, undefined);
      clearInterval(sweeper);
      clearInterval(selfProbe);
      clearInterval(resyncer);
      await presence.close();
      await bus.close();
    },
  };
}
