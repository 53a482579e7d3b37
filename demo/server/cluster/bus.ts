/**
 * The cluster bus: events published through `NOTIFY` on one channel, heard by every instance's
 * `LISTEN` (its own events included, so a socket on this instance gets a frame by the same path
 * as one on another: never twice). Publishing is serial and batched: events published while a
 * batch is on its way go in the next one, as one statement, so they arrive in publish order.
 *
 * Events go out right after the route's commit, not inside its transaction: routes publish
 * through the unchanged `Hub` after committing, and a frame is a hint, not the record: a client
 * that missed one (this instance died between commit and notify) resumes from `seq`.
 *
 * A database without `listen` (a test double) gets in-process delivery in the same order.
 */
import type { Database } from '../db/database.ts';
import { type ClusterEvent, type Envelope, readEnvelope } from './events.ts';

export const CLUSTER_CHANNEL = 'ringnity_cluster';
/** Health probes' payloads start with this (never JSON, so no instance reads one as an event). */
const PROBE_PREFIX = 'probe:';

export interface Bus {
  /** This instance's id (also in every envelope it sends). */
  readonly instanceId: string;
  /**
   * Sends `event` to every instance. A promise (an event whose frame is being stored first) keeps
   * its place: later events wait for it; one that resolves to undefined is skipped.
   */
  publish(event: ClusterEvent | Promise<ClusterEvent | undefined>): void;
  /** Starts listening; `onEvents` gets each batch of envelopes in arrival order, one batch at a time. */
  start(onEvents: (events: Envelope[]) => Promise<void>, onGap: () => void): Promise<void>;
  /** Resolves when everything published so far was sent (tests, shutdown). */
  flushed(): Promise<void>;
  /**
   * Whether this instance still hears the bus: a probe sent through `NOTIFY` comes back on its
   * `LISTEN` connection within `timeoutMs` (false when that connection is down or the database
   * does not answer). Other instances ignore the probe (it is no {@link Envelope}).
   */
  probe(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface BusOptions {
  instanceId: string;
  onError(message: string, error: unknown): void;
}

export function createBus(db: Database, options: BusOptions): Bus {
  const { instanceId } = options;
  let counter = 0;
  let outbox: Array<ClusterEvent | Promise<ClusterEvent | undefined>> = [];
  let sending: Promise<void> | undefined;
  let stopListening: (() => Promise<void>) | undefined;
  let closed = false;

  // Received envelopes wait here; one drain at a time keeps delivery in order across batches.
  let inbox: Envelope[] = [];
  let draining: Promise<void> | undefined;
  let handler: ((events: Envelope[]) => Promise<void>) | undefined;

  // Probes in flight, by nonce: resolved when their NOTIFY comes back.
  const probes = new Map<string, () => void>();
  let probeCounter = 0;

  const receive = (payload: string) => {
    if (payload.startsWith(PROBE_PREFIX)) {
      probes.get(payload)?.();
      return;
    }
    const envelope = readEnvelope(payload);
    if (!envelope || !handler) return;
    inbox.push(envelope);
    draining ??= drain();
  };
  const drain = async () => {
    await Promise.resolve();
    while (inbox.length > 0 && handler) {
      const batch = inbox;
      inbox = [];
      try {
        await handler(batch);
      } catch (error) {
        options.onError('delivering cluster events failed', error);
      }
    }
    draining = undefined;
  };

  const envelope = (event: ClusterEvent): string => JSON.stringify({ ...event, i: instanceId, n: counter++ } satisfies Envelope);

  const send = async () => {
    // Publishes of the same tick go together (and `sending` is set before this resolves).
    await Promise.resolve();
    while (outbox.length > 0) {
      const events = outbox;
      outbox = [];
      try {
        const batch = (await Promise.all(events)).flatMap((event) => (event ? [envelope(event)] : []));
        if (batch.length === 0) continue;
        if (db.listen) {
          await db.query(`SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, [CLUSTER_CHANNEL, batch]);
        } else {
          for (const payload of batch) receive(payload);
        }
      } catch (error) {
        // Dropped, not retried: the data is committed and clients resume from seq.
        if (!closed) options.onError(`publishing ${events.length} cluster event(s) failed`, error);
      }
    }
    sending = undefined;
  };

  const flushed = async () => {
    while (sending || draining) await Promise.all([sending, draining]);
  };

  return {
    instanceId,
    publish(event) {
      if (closed) return;
      // A failed store drops its event alone.
      outbox.push(event instanceof Promise ? event.catch((error: unknown) => void options.onError('storing a cluster frame failed', error)) : event);
      sending ??= send();
    },
    async start(onEvents, onGap) {
      handler = onEvents;
      if (db.listen) stopListening = await db.listen(CLUSTER_CHANNEL, receive, onGap);
    },
    flushed,
    async probe(timeoutMs) {
      if (!db.listen || !handler || closed) return !closed && handler !== undefined;
      const nonce = `${PROBE_PREFIX}${instanceId}:${probeCounter++}`;
      let timer: NodeJS.Timeout | undefined;
      // A database that never answers must not hold the probe: the deadline wins the race.
      const deadline = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const heard = new Promise<boolean>((resolve) => probes.set(nonce, () => resolve(true)));
      try {
        const sent = db.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, nonce]).then(
          () => heard,
          () => false,
        );
        return await Promise.race([sent, deadline]);
      } finally {
        clearTimeout(timer);
        probes.delete(nonce);
      }
    },
    async close() {
      await flushed();
      closed = true;
      handler = undefined;
      await stopListening?.();
    },
  };
}
