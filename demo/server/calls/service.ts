/**
 * The server's calls (extensions.md §15): state changes with their frames and final messages,
 * the ring timeout, the drop grace, and the signaling relay. Timers live in this process: a
 * restarted server re-arms them from the database ({@link CallService.recover}). A timer whose
 * write fails is retried, and a periodic sweep catches what still slipped through, so no call
 * stays live for good.
 *
 * Several instances on one database: each may arm the same call's timers (the sweep adopts live
 * calls it does not watch yet, e.g. of an instance that died); the transitions are atomic
 * (`UPDATE … WHERE status IN …`), so one wins and the others find nothing to do. Signals are
 * checked against the call's row and relayed through the hub (so across instances); the agent
 * console that holds a call's signaling is kept in the row.
 */
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import type { Deps } from '../http/context.ts';
import type { Subscriber } from '../realtime/hub.ts';
import { ApiError } from '../http/errors.ts';
import {
  type CallRow,
  type Finish,
  answerCall,
  callNotFound,
  FINAL_STATUSES,
  createCall,
  findCall,
  finishCall,
  listLiveCalls,
  listOverdueCalls,
  toCallSession,
} from '../store/calls.ts';
import { toConversation } from '../store/conversations.ts';
import { sendMessage, toMessage } from '../store/messages.ts';
import { callRecord } from './record.ts';
import { type CallSignal, readSignal } from './signal.ts';
import { planEnd } from './transitions.ts';
import { CALL_SWEEP_INTERVAL_MS, type CallService } from './call-service.ts';
import { TIMER_RETRY_DELAYS_MS, createRetrier } from './retry.ts';

export type { CallService };

/** `sender_id` of the call records (system messages have no person behind them). */
const CALL_SENDER_ID = 'calls';

type Party = 'visitor' | 'agent';
const PARTIES: readonly Party[] = ['visitor', 'agent'];

const MISSED: Finish = { from: ['started'], status: 'missed', endReason: 'no_answer', endedBy: 'server' };
const LOST: Finish = { from: ['answered'], status: 'ended', endReason: 'connection_lost', endedBy: 'server' };

interface Talking {
  tenantId: string;
  conversationId: string;
  visitorId: string;
  agentId: string;
  /** One grace per party, each from that party's own drop: a second drop does not shorten the first party's. */
  grace: Partial<Record<Party, NodeJS.Timeout>>;
}

/** Timings a test shortens; production uses the defaults. */
export interface CallServiceOptions {
  /** Pauses between the attempts of a timer's failed write. @default TIMER_RETRY_DELAYS_MS */
  retryDelaysMs?: readonly number[];
  /** Period of the overdue-call sweep, started by `recover()`. @default CALL_SWEEP_INTERVAL_MS */
  sweepIntervalMs?: number;
}

/** `deps` without `calls` itself (it is built from them). */
export function createCallService(deps: Omit<Deps, 'calls'>, options: CallServiceOptions = {}): CallService {
  const ringing = new Map<string, NodeJS.Timeout>();
  const talking = new Map<string, Talking>();
  const pending = new Set<Promise<unknown>>();
  const retrier = createRetrier(options.retryDelaysMs ?? TIMER_RETRY_DELAYS_MS, (error, attempt) =>
    deps.log.error(`call timer write failed (attempt ${attempt}), trying again`, error),
  );
  let sweeper: NodeJS.Timeout | undefined;
  let closed = false;
  // Each socket's signals are checked against the database in arrival order (an offer before its candidates).
  const signalChains = new WeakMap<Subscriber, Promise<void>>();
  const isClosed = () => closed;

  const publish = (row: CallRow) => {
    const frame: ServerFrame = { type: 'call.updated', call: toCallSession(row) };
    deps.hub.toVisitorCall(row.tenant_id, row.visitor_id, row.conversation_id, frame);
    deps.hub.toAgents(row.tenant_id, frame);
  };

  /** Background work (timers) that shutdown waits for and whose failure is logged, not thrown. */
  const track = (work: () => Promise<unknown>) => {
    if (closed) return;
    const run = work().catch((error: unknown) => deps.log.error('call timer failed', error));
    pending.add(run);
    void run.finally(() => pending.delete(run));
  };

  const settle = (id: string) => {
    clearTimeout(ringing.get(id));
    ringing.delete(id);
    const call = talking.get(id);
    for (const party of PARTIES) clearTimeout(call?.grace[party]);
    talking.delete(id);
  };

  /**
   * Applies `finish` with the call's record message in one transaction; undefined when the call
   * had moved on (someone else won). Frames go out after the commit.
   */
  async function finalize(row: CallRow, finish: Finish): Promise<CallRow | undefined> {
    const done = await deps.db.transaction(async (tx) => {
      const final = await finishCall(tx, row.id, finish);
      if (!final) return undefined;
      const record = callRecord(final);
      const sent = await sendMessage(tx, { tenantId: final.tenant_id }, final.conversation_id, {
        body: record.body,
        messageType: 'call',
        metadata: record.metadata,
        sender: { type: 'system', id: CALL_SENDER_ID },
      });
      return { final, sent };
    });
    if (!done) return undefined;
    settle(row.id);
    publish(done.final);
    // A system message has no attachment: nothing to sign.
    const message = toMessage(done.sent.message, deps.links.forOrigin(''), new Map());
    deps.hub.messageCreated(done.final.tenant_id, done.final.visitor_id, message);
    deps.hub.conversationUpdated(done.final.tenant_id, toConversation(done.sent.conversation));
    return done.final;
  }

  const armRing = (row: CallRow) => {
    // A create still finishing after close(): the restarted server re-arms it from the database.
    if (closed) return;
    clearTimeout(ringing.get(row.id));
    // The deadline was set from this process's clock (store/calls.ts), so this difference is exact.
    const left = new Date(row.ring_deadline).getTime() - Date.now();
    const timer = setTimeout(() => {
      track(() => retrier.run(() => finalize(row, MISSED), isClosed).finally(() => ringing.delete(row.id)));
    }, Math.max(0, left));
    ringing.set(row.id, timer);
  };

  const present = (call: Talking, party: Party) =>
    party === 'visitor'
      ? deps.hub.hasSocket('visitor', call.tenantId, call.visitorId, call.conversationId)
      : deps.hub.hasSocket('agent', call.tenantId, call.agentId);

  /** The grace of `party` ran out: the call ends, unless the party came back in the meantime. */
  const graceOver = (id: string, call: Talking, party: Party, timer: NodeJS.Timeout) => {
    track(async () => {
      try {
        await retrier.run(
          async () => {
            if (present(call, party)) return;
            const row = await findCall(deps.db, { tenantId: call.tenantId }, id);
            // Gone or no longer answered (ended meanwhile): nothing left to watch.
            if (!row || !(await finalize(row, LOST))) settle(id);
          },
          () => closed || talking.get(id) !== call,
        );
      } finally {
        // Spent: a party still away gets a new grace from the next check (or the sweep).
        if (call.grace[party] === timer) call.grace[party] = undefined;
      }
    });
  };

  /** Starts or stops each party's drop grace of an answered call as its sockets come and go. */
  const checkParties = (id: string) => {
    const call = talking.get(id);
    if (!call || closed) return;
    for (const party of PARTIES) {
      const here = present(call, party);
      const timer = call.grace[party];
      if (!here && !timer) {
        const timer: NodeJS.Timeout = setTimeout(() => graceOver(id, call, party, timer), deps.config.callDropGraceMs);
        call.grace[party] = timer;
      } else if (here && timer) {
        clearTimeout(timer);
        call.grace[party] = undefined;
      }
    }
  };

  const watch = (row: CallRow) => {
    if (!row.agent_id || closed) return;
    talking.set(row.id, { tenantId: row.tenant_id, conversationId: row.conversation_id, visitorId: row.visitor_id, agentId: row.agent_id, grace: {} });
    checkParties(row.id);
  };

  deps.hub.onPresence((s, isPresent) => {
    for (const [id, call] of talking) {
      if (call.tenantId !== s.tenantId) continue;
      if ((s.role === 'visitor' && s.subject === call.visitorId) || (s.role === 'agent' && s.subject === call.agentId)) checkParties(id);
    }
  });

  /**
   * Relays a signal between the parties of an answered call (extensions.md §15), checked against
   * its row; anything else is dropped without a word. The first console of the agent to signal
   * holds the call (kept in the row, so across instances); another one of theirs is not heard
   * until the holder's socket is gone.
   */
  async function relaySignal(from: Subscriber, callId: string, signal: CallSignal): Promise<void> {
    const row = await findCall(deps.db, { tenantId: from.tenantId }, callId);
    if (!row || row.status !== 'answered' || !row.agent_id || closed) return;
    // A call-link socket signals only for its own conversation's call.
    if (from.callScope !== undefined && from.callScope !== row.conversation_id) return;
    const frame: ServerFrame = { type: 'call.signal', callId, from: from.role, signal };
    const holder = row.signal_socket ?? null;
    if (from.role === 'visitor' && from.subject === row.visitor_id) {
      // Until a console of the agent signals, the visitor's offer goes to all of them.
      if (holder !== null && deps.hub.isLive(holder)) deps.hub.toSocket(holder, frame);
      else deps.hub.toAgent(row.tenant_id, row.agent_id, frame);
      return;
    }
    if (from.role !== 'agent' || from.subject !== row.agent_id) return;
    const me = deps.hub.socketId(from);
    if (holder !== me) {
      if (holder !== null && deps.hub.isLive(holder)) return;
      // Compare-and-set: of two consoles signalling at once (on two instances), one holds the call.
      const won = await deps.db.query(
        `UPDATE call_sessions SET signal_socket = $2 WHERE id = $1 AND status = 'answered' AND signal_socket IS NOT DISTINCT FROM $3 RETURNING id`,
        [callId, me, holder],
      );
      if (won.length === 0) return;
    }
    deps.hub.toVisitorCall(row.tenant_id, row.visitor_id, row.conversation_id, frame);
  }

  const service: CallService = {
    async create(input) {
      const ringDeadline = new Date(Date.now() + deps.config.callRingTimeoutMs);
      const row = await deps.db.transaction((tx) => createCall(tx, { ...input, ringDeadline }));
      armRing(row);
      publish(row);
      return row;
    },

    async answer(tenantId, agentId, id) {
      const row = await answerCall(deps.db, tenantId, id, agentId);
      if (!row) {
        const current = await findCall(deps.db, { tenantId }, id);
        if (!current) throw callNotFound(id);
        throw new ApiError(409, 'CALL_NOT_RINGING', `Call ${id} no longer rings (it is ${current.status}).`);
      }
      clearTimeout(ringing.get(id));
      ringing.delete(id);
      // Watched before the frame goes out: the caller's offer, sent when it sees `answered`, is relayed.
      watch(row);
      publish(row);
      // An end that committed between the answer and watch() found nothing to settle: read again.
      track(async () => {
        const current = await findCall(deps.db, { tenantId }, id);
        if (!current || FINAL_STATUSES.includes(current.status)) settle(id);
      });
      return row;
    },

    async end(viewer, by, id, reason) {
      // A call that changed between the read and the update is read and decided again.
      for (let attempt = 0; attempt < 3; attempt++) {
        const row = await findCall(deps.db, viewer, id);
        if (!row) throw callNotFound(id);
        const finish = planEnd(row, by, reason);
        if (!finish) return row;
        const final = await finalize(row, finish);
        if (final) return final;
      }
      throw new ApiError(409, 'CALL_SESSION_END_FAILED', `Call ${id} kept changing while it was being ended. Try again.`);
    },

    signal(from, callId, raw) {
      if (typeof callId !== 'string') return;
      const signal: CallSignal | undefined = readSignal(raw);
      if (!signal) return;
      const relay = () => relaySignal(from, callId, signal);
      const chain = (signalChains.get(from) ?? Promise.resolve()).then(relay).catch((error: unknown) => deps.log.error('relaying a call signal failed', error));
      signalChains.set(from, chain);
    },

    async recover() {
      for (const row of await listLiveCalls(deps.db)) {
        if (row.status === 'started') armRing(row);
        else watch(row);
      }
      if (!sweeper && !closed) {
        sweeper = setInterval(() => track(() => service.sweep()), options.sweepIntervalMs ?? CALL_SWEEP_INTERVAL_MS);
        sweeper.unref();
      }
    },

    async sweep() {
      let missed = 0;
      for (const row of await listOverdueCalls(deps.db, new Date())) {
        if (closed) break;
        if (await finalize(row, MISSED)) missed++;
      }
      // Answered calls another instance took (it may have died) are watched here too.
      for (const row of await listLiveCalls(deps.db)) if (row.status === 'answered' && !talking.has(row.id)) watch(row);
      for (const id of talking.keys()) checkParties(id);
      return missed;
    },

    async close() {
      closed = true;
      clearInterval(sweeper);
      for (const timer of ringing.values()) clearTimeout(timer);
      ringing.clear();
      for (const call of talking.values()) for (const party of PARTIES) clearTimeout(call.grace[party]);
      talking.clear();
      retrier.wake();
      await Promise.allSettled([...pending]);
    },
  };
  return service;
}
