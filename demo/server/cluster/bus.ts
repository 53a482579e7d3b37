/**
 * The cluster bus: events published through `NOTIFY` on one channel, heard by every instance's
 * `LISTEN` (its own events included, so a socket on this instance gets a frame by the same path
 * as one on another: never twice). Publishing is serial and batched: events published while a
 * batch is on its way go in the next one, as one statement, so they arrive in publish order.
 * What the publisher held for an event (the route's message, conversation, frame) is kept here
 * until its own `NOTIFY` comes back, so its own sockets get it with no read.
 *
 * Events go out right after the route's commit, not inside its transaction: routes publish
 * through the unchanged `Hub` after committing. A batch whose `NOTIFY` fails is retried a few
 * times in place (later events wait, so order holds); a frame is a hint, not the record: a
 * client that missed one (this instance died between commit and notify) resumes from `seq`.
 *
 * A database only one process can open (PGlite) or one without `listen` (a test double) gets
 * in-process delivery in the same order, with no statement at all.
 */
import type { Database, Listening } from '../db/database.ts';
import { type ClusterEvent, type Delivered, type Envelope, type Held, readEnvelope } from './events.ts';

export const CLUSTER_CHANNEL = 'ringnity_cluster';
/** Health probes' payloads start with this (never JSON, so no instance reads one as an event). */
const PROBE_PREFIX = 'probe:';

export interface Bus {
  /** This instance's id (also in every envelope it sends). */
  readonly instanceId: string;
  /** True when this instance is the only one (see {@link Database.oneProcess}): nothing goes through the database. */
  readonly inProcess: boolean;
  /** Goes up when this instance rejoins after being reaped (sent in every envelope as `ep`). */
  epoch: number;
  /**
   * Sends `event` to every instance. A promise (an event whose frame is being stored first) keeps
   * its place: later events wait for it; one that resolves to undefined is skipped. `held` is
   * handed back with the event when this instance delivers it (never sent).
   */
  publish(event: ClusterEvent | Promise<ClusterEvent | undefined>, held?: Held): void;
  /** Starts listening; `onEvents` gets each batch of envelopes in arrival order, one batch at a time. */
  start(onEvents: (events: Delivered[]) => Promise<void>, onGap: () => void): Promise<void>;
  /** Resolves when everything published so far was sent (tests, shutdown). */
  flushed(): Promise<void>;
  /**
   * Whether this instance still hears the bus: a probe sent through `NOTIFY` comes back on its
   * `LISTEN` connection within `timeoutMs` (false when that connection is down or the database
   * does not answer). Other instances ignore the probe (it is no {@link Envelope}).
   */
  probe(timeoutMs: number): Promise<boolean>;
  /** Ends the listening connection as if it dropped (reopened, `onGap` told): after a probe went unheard. */
  reopen(): void;
  close(): Promise<void>;
}

export interface BusOptions {
  instanceId: string;
  onError(message: string, error: unknown): void;
  /** Pauses before retrying a batch whose `NOTIFY` failed (then it is dropped). @default [50, 250, 1000] */
  retryDelaysMs?: readonly number[];
}

export function createBus(db: Database, options: BusOptions): Bus {
  const { instanceId } = options;
  const inProcess = db.oneProcess === true || !db.listen;
  const retryDelaysMs = options.retryDelaysMs ?? [50, 250, 1000];
  let counter = 0;
  let outbox: Array<{ event: ClusterEvent | Promise<ClusterEvent | undefined>; held: Held | undefined }> = [];
  // What this instance held for its events in flight, by counter `n` (ascending: a Map keeps insertion order).
  const heldByCounter = new Map<number, Held>();
  let sending: Promise<void> | undefined;
  let stopListening: Listening | undefined;
  let closed = false;

  // Received envelopes wait here; one drain at a time keeps delivery in order across batches.
  let inbox: Delivered[] = [];
  let draining: Promise<void> | undefined;
  let handler: ((events: Delivered[]) => Promise<void>) | undefined;

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
    if (envelope.i === instanceId) {
      // Own events come back in publish order: anything older than this one was lost on the way.
      for (const n of heldByCounter.keys()) {
        if (n > envelope.n) break;
        const held = heldByCounter.get(n);
        heldByCounter.delete(n);
        if (n === envelope.n && held) (envelope as Delivered).held = held;
      }
    }
    accept(envelope);
  };
  const accept = (envelope: Delivered) => {
    if (!handler) return;
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

  const envelope = (event: ClusterEvent): Envelope => ({ ...event, i: instanceId, n: counter++, ...(bus.epoch > 0 ? { ep: bus.epoch } : {}) });

  /** Sends one batch through the database, retried in place a few times (later events wait). */
  const notify = async (payloads: string[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await db.query(`SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, [CLUSTER_CHANNEL, payloads]);
        return;
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (delay === undefined || closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const send = async () => {
    // Publishes of the same tick go together (and `sending` is set before this resolves).
    await Promise.resolve();
    while (outbox.length > 0) {
      const items = outbox;
      outbox = [];
      const events = await Promise.all(items.map((item) => item.event));
      const batch: Delivered[] = [];
      events.forEach((event, index) => {
        if (event) batch.push({ ...envelope(event), held: items[index]?.held });
      });
      if (batch.length === 0) continue;
      if (inProcess) {
        for (const delivered of batch) accept(delivered);
        continue;
      }
      for (const { held, n } of batch) if (held) heldByCounter.set(n, held);
      try {
        await notify(batch.map(({ held: _held, ...wire }) => JSON.stringify(wire)));
      } catch (error) {
        // Given up: the data is committed and clients resume from seq.
        for (const { n } of batch) heldByCounter.delete(n);
        if (!closed) options.onError(`publishing ${batch.length} cluster event(s) failed`, error);
      }
    }
    sending = undefined;
  };

  const flushed = async () => {
    while (sending || draining) await Promise.all([sending, draining]);
  };

  const bus: Bus = {
    instanceId,
    inProcess,
    epoch: 0,
    publish(event, held) {
      if (closed) return;
      // A failed store drops its event alone.
      outbox.push({
        event: event instanceof Promise ? event.catch((error: unknown) => void options.onError('storing a cluster frame failed', error)) : event,
        held,
      });
      sending ??= send();
    },
    async start(onEvents, onGap) {
      handler = onEvents;
      if (!inProcess && db.listen) stopListening = await db.listen(CLUSTER_CHANNEL, receive, onGap);
    },
    flushed,
    async probe(timeoutMs) {
      if (inProcess || !db.listen || !handler || closed) return !closed && handler !== undefined;
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
    reopen() {
      stopListening?.reopen?.();
    },
    async close() {
      await flushed();
      closed = true;
      handler = undefined;
      await stopListening?.();
    },
  };
  return bus;
}
