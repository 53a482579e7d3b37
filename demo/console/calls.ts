/**
 * The console's calls (extensions.md §15): which visitor calls ring for the team, and the one
 * call this agent is in. Ringing calls come from `call.updated` frames and, after every
 * (re)connect, from `GET /agent-sdk/calls` (frames are not replayed, and a console opened while
 * a call rings must see it). A call stops ringing here as soon as anyone answers it or it ends.
 * The media side is the core's call engine, loaded when the first call rings.
 */
import { batch, computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { CallSession, ServerFrame } from '../../src/contract/extensions.ts';
import type { ActiveCall, CallHost } from '../../src/calls/types.ts';
import { isRuntimeError } from '../../src/errors.ts';
import type { AgentApi } from './api.ts';
import type { CallEngine } from './call-engine.ts';
import type { DeskSocket } from './desk.ts';

export interface CallDesk {
  /** Calls waiting for an agent, oldest first. */
  readonly ringing: ReadonlySignal<readonly CallSession[]>;
  /** The call this agent answered, kept after it ends until {@link CallDesk.dismiss}. */
  readonly active: ReadonlySignal<ActiveCall | null>;
  /** The call being answered right now (its id), to show progress on its card. */
  readonly answering: ReadonlySignal<string | null>;
  /** Why the last accept or decline did not work, to show; cleared by the next try. */
  readonly problem: ReadonlySignal<string | null>;
  /** Answers a ringing call; another agent may have been faster (`problem` says so). */
  accept(callId: string): Promise<void>;
  /** Declines a ringing call for the whole team (extensions.md §15: `end` with `declined`). */
  decline(callId: string): Promise<void>;
  /** Closes the view of a call that has ended. */
  dismiss(): void;
  destroy(): void;
}

export interface CallDeskOptions {
  api: Pick<AgentApi, 'liveCalls' | 'request'>;
  socket: DeskSocket;
  /** The call engine; the console passes the lazily loaded core one. */
  engine: () => Promise<CallEngine>;
  /** Platform media for the calls (tests and other hosts pass their own). */
  mediaDevices?: MediaDevices;
  RTCPeerConnection?: typeof RTCPeerConnection;
}

export function createCallDesk({ api, socket, engine, mediaDevices, RTCPeerConnection }: CallDeskOptions): CallDesk {
  const live = signal<ReadonlyMap<string, CallSession>>(new Map());
  const active = signal<ActiveCall | null>(null);
  const answering = signal<string | null>(null);
  const problem = signal<string | null>(null);
  // Calls known to be past ringing: a list read that raced with their frame must not bring them back.
  const settled = new Set<string>();
  // Calls a frame put while a list read was in flight (one set per read): newer than that list.
  const reading = new Set<Set<string>>();

  const host: CallHost = {
    role: 'agent',
    request: (method, path, body, how) => api.request(method, path, body, how),
    send: (frame) => socket.send(frame),
    onFrame: (listener) => socket.onFrame(listener),
    onReady: (listener) => socket.onReady(listener),
    ...(mediaDevices && { mediaDevices }),
    ...(RTCPeerConnection && { RTCPeerConnection }),
  };

  const drop = (callId: string) => {
    settled.add(callId);
    if (!live.value.has(callId)) return;
    const next = new Map(live.value);
    next.delete(callId);
    live.value = next;
  };
  const put = (call: CallSession) => {
    if (call.status !== 'started' || settled.has(call.id)) return drop(call.id);
    live.value = new Map(live.value).set(call.id, call);
    for (const seen of reading) seen.add(call.id);
    // Fetch the engine while it rings, so Accept does not wait for a download.
    engine().catch(() => undefined);
  };

  async function reload() {
    const seen = new Set<string>();
    reading.add(seen);
    let calls: CallSession[];
    try {
      calls = await api.liveCalls();
    } finally {
      reading.delete(seen);
    }
    const next = new Map<string, CallSession>();
    for (const call of calls) if (call.status === 'started' && !settled.has(call.id)) next.set(call.id, call);
    // A call that started ringing while the list was read may be missing from it: keep it.
    for (const id of seen) {
      const call = live.value.get(id);
      if (call) next.set(id, call);
    }
    live.value = next;
    if (next.size > 0) engine().catch(() => undefined);
  }
  const reloadQuietly = () =>
    void reload().catch((error: unknown) => (problem.value = `Loading calls failed: ${error instanceof Error ? error.message : String(error)}`));

  const onFrame = (frame: ServerFrame) => {
    if (frame.type === 'call.updated') put(frame.call);
  };

  // The tab closes mid-call: hang up with a request that outlives the page.
  const leave = () => active.peek()?.hangUpOnExit();
  const pagehide = typeof addEventListener === 'function';
  if (pagehide) addEventListener('pagehide', leave);
  const stops = [socket.onFrame(onFrame), socket.onReady(reloadQuietly), () => pagehide && removeEventListener('pagehide', leave)];
  reloadQuietly();

  const ringing = computed(() => [...live.value.values()].sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '')));

  return {
    ringing,
    active,
    answering,
    problem,
    async accept(callId) {
      const session = live.value.get(callId);
      if (!session || answering.value) return;
      if (active.value && active.value.phase.value !== 'ended') {
        problem.value = 'Finish your current call first.';
        return;
      }
      batch(() => {
        answering.value = callId;
        problem.value = null;
      });
      let call: ActiveCall | null = null;
      try {
        const { answer, started } = await engine();
        call = answer(host, session);
        // On screen at once: the agent sees "Starting your microphone…", then any refusal.
        active.value = call;
        await started(call);
        // Left at the permission prompt: the call rings on for the team, and on this console too.
        if (call.phase.peek() === 'ended' && call.session.peek()?.status === 'started') active.value = null;
        else drop(callId);
      } catch (error) {
        const lost = isRuntimeError(error) && error.code === 'CALL_NOT_RINGING';
        batch(() => {
          // Someone else was faster (or the visitor hung up): nothing to show but the note.
          if (lost || !call) active.value = null;
          problem.value = lost
            ? 'This call is no longer ringing: someone else answered it, or the visitor hung up.'
            : call
              ? null // the call view explains it (permission denied, no microphone …)
              : `Answering failed: ${error instanceof Error ? error.message : String(error)}`;
        });
        // Whatever the server says now is the truth (answered by someone else, ended).
        reloadQuietly();
      } finally {
        answering.value = null;
      }
    },
    async decline(callId) {
      problem.value = null;
      try {
        const { decline } = await engine();
        await decline(host, callId);
        drop(callId);
      } catch (error) {
        problem.value = `Declining failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    dismiss() {
      if (active.value?.phase.value === 'ended') active.value = null;
    },
    destroy() {
      for (const stop of stops) stop();
      const call = active.value;
      if (call && call.phase.value !== 'ended') void call.hangUp();
    },
  };
}

/**
 * Runs `start` while a call rings for this agent and they are in no call (a ring tone); the
 * function it returns stops it. Returns the function that ends the watch.
 */
export function whileRinging(desk: CallDesk, start: () => () => void): () => void {
  // Only these two facts: a new card in the list (or any other change) must not restart the tone.
  const ringing = computed(() => desk.ringing.value.length > 0);
  const inCall = computed(() => {
    const call = desk.active.value;
    return !!call && call.phase.value !== 'ended';
  });
  return effect(() => {
    if (!ringing.value || inCall.value) return;
    return start();
  });
}
