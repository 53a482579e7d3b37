/**
 * The server's calls (extensions.md §15): state changes with their frames and final messages,
 * the ring timeout, the drop grace, and the signaling relay. Timers live in this process: a
 * restarted server re-arms them from the database ({@link CallService.recover}).
 */
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import type { Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import {
  type CallRow,
  type Finish,
  answerCall,
  callNotFound,
  createCall,
  findCall,
  finishCall,
  listLiveCalls,
  toCallSession,
} from '../store/calls.ts';
import { toConversation } from '../store/conversations.ts';
import { sendMessage, toMessage } from '../store/messages.ts';
import { callRecord } from './record.ts';
import { type CallSignal, readSignal } from './signal.ts';
import { planEnd } from './transitions.ts';
import type { CallService } from './call-service.ts';

export type { CallService };

/** `sender_id` of the call records (system messages have no person behind them). */
const CALL_SENDER_ID = 'calls';

interface Talking {
  tenantId: string;
  visitorId: string;
  agentId: string;
  /** Runs while a party has no socket. */
  grace?: NodeJS.Timeout;
}

/** `deps` without `calls` itself (it is built from them). */
export function createCallService(deps: Omit<Deps, 'calls'>): CallService {
  const ringing = new Map<string, NodeJS.Timeout>();
  const talking = new Map<string, Talking>();
  const pending = new Set<Promise<unknown>>();
  let closed = false;

  const publish = (row: CallRow) => {
    const frame: ServerFrame = { type: 'call.updated', call: toCallSession(row) };
    deps.hub.toVisitor(row.tenant_id, row.visitor_id, frame);
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
    clearTimeout(talking.get(id)?.grace);
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
    const left = new Date(row.ring_deadline).getTime() - Date.now();
    const timer = setTimeout(() => {
      ringing.delete(row.id);
      track(() => finalize(row, { from: ['started'], status: 'missed', endReason: 'no_answer', endedBy: 'server' }));
    }, Math.max(0, left));
    ringing.set(row.id, timer);
  };

  /** Starts or stops the drop grace of an answered call as its parties' sockets come and go. */
  const checkParties = (id: string) => {
    const call = talking.get(id);
    if (!call || closed) return;
    const missing = !deps.hub.hasSocket('visitor', call.tenantId, call.visitorId) || !deps.hub.hasSocket('agent', call.tenantId, call.agentId);
    if (missing && !call.grace) {
      call.grace = setTimeout(() => {
        call.grace = undefined;
        track(async () => {
          const row = await findCall(deps.db, { tenantId: call.tenantId }, id);
          if (row) await finalize(row, { from: ['answered'], status: 'ended', endReason: 'connection_lost', endedBy: 'server' });
        });
      }, deps.config.callDropGraceMs);
    } else if (!missing && call.grace) {
      clearTimeout(call.grace);
      call.grace = undefined;
    }
  };

  const watch = (row: CallRow) => {
    if (!row.agent_id) return;
    talking.set(row.id, { tenantId: row.tenant_id, visitorId: row.visitor_id, agentId: row.agent_id });
    checkParties(row.id);
  };

  deps.hub.onPresence((s) => {
    for (const [id, call] of talking) {
      if (call.tenantId !== s.tenantId) continue;
      if ((s.role === 'visitor' && s.subject === call.visitorId) || (s.role === 'agent' && s.subject === call.agentId)) checkParties(id);
    }
  });

  return {
    async create(input) {
      const row = await deps.db.transaction((tx) => createCall(tx, { ...input, ringTimeoutMs: deps.config.callRingTimeoutMs }));
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
      const call = talking.get(callId);
      const signal: CallSignal | undefined = call && call.tenantId === from.tenantId ? readSignal(raw) : undefined;
      if (!call || !signal) return;
      const frame: ServerFrame = { type: 'call.signal', callId, from: from.role, signal };
      if (from.role === 'visitor' && from.subject === call.visitorId) deps.hub.toAgent(call.tenantId, call.agentId, frame);
      else if (from.role === 'agent' && from.subject === call.agentId) deps.hub.toVisitor(call.tenantId, call.visitorId, frame);
    },

    async recover() {
      for (const row of await listLiveCalls(deps.db)) {
        if (row.status === 'started') armRing(row);
        else watch(row);
      }
    },

    async close() {
      closed = true;
      for (const timer of ringing.values()) clearTimeout(timer);
      ringing.clear();
      for (const call of talking.values()) clearTimeout(call.grace);
      talking.clear();
      await Promise.allSettled([...pending]);
    },
  };
}
