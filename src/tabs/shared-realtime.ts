/**
 * One realtime socket per browser: a {@link RealtimeConnection} whose tabs share one socket.
 * The elected tab (see `election.ts`) owns a real connection and relays, over a channel,
 * everything it hears: each frame, each `ready`, each status change, each error. The other tabs
 * mirror that status, replay the frames, `ready`s and errors, hand their outgoing frames
 * (typing) to the leader, and tell it when they are shown or hidden: the socket's liveness is
 * judged while the visitor can see any tab, not only the leader's (usually in the background).
 * When leadership moves here, this tab connects at once.
 *
 * Messages (`t`): leader → all `frame` (f), `ready`, `status` (s; `to` when it answers a
 * `hello`), `error` (code, message, retryable), `bye` (it stops leading); follower → leader
 * `hello` (on joining: what is the status?), `send` (f), `visible` (v; also in `hello`). Each
 * carries `who`, the visitor it is about: a tab of another visitor (a session renewed into a new
 * one) ignores it rather than show someone else's conversation.
 *
 * Back/forward cache: a message reaching a cached page gets it evicted, so on `pagehide` the tab
 * leaves and closes its channel; on `pageshow` from the cache it opens it, joins again and
 * catches up once connected.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { ClientFrame, ErrorCode, ServerFrame } from '../contract/extensions.ts';
import { RuntimeError } from '../errors.ts';
import { createEmitter } from '../lib/emitter.ts';
import { isPageVisible, onPage } from '../lib/env.ts';
import { uuid } from '../lib/uuid.ts';
import type { RealtimeConnection, RealtimeOptions } from '../realtime.ts';
import type { RuntimeStatus } from '../types.ts';
import { listen, type ChannelFactory, type ChannelLike, type TabMessage } from './channel.ts';
import { createElection, type Election } from './election.ts';

export interface SharedRealtimeOptions {
  /** Tabs with the same name share a socket (the runtime uses API base, tenant and visitor). */
  name: string;
  channel: ChannelFactory;
  /** Makes the real connection, when this tab leads; `shared` goes to `createRealtime`. */
  create(shared: Required<Pick<RealtimeOptions, 'isVisible' | 'onError'>>): RealtimeConnection;
  /** The visitor this tab is now (it may change when a session is renewed). */
  visitor?: () => string | undefined;
}

/** A realtime connection shared by the tabs, plus whether this tab holds the socket. */
export interface SharedRealtime extends RealtimeConnection {
  readonly leader: ReadonlySignal<boolean>;
  /** The socket's failures (`createRealtime`'s `onError`), heard in every tab. */
  onError(listener: (error: RuntimeError) => void): () => void;
}

export function createSharedRealtime(options: SharedRealtimeOptions): SharedRealtime {
  const { name } = options;
  const who = () => options.visitor?.() ?? '';
  const me = uuid();
  const status = signal<RuntimeStatus>('idle');
  const leader = signal(false);
  const events = createEmitter<{ frame: ServerFrame; ready: undefined; error: RuntimeError }>();
  let channel: ChannelLike | null = null;
  let election: Election | null = null;
  let own: RealtimeConnection | null = null;
  let stops: Array<() => void> = [];
  let unlisten: (() => void) | undefined;
  let unfollow: (() => void) | undefined;
  // The tab whose relays this one follows (a `bye` from an older leader is stale).
  let followed: string | undefined;
  // Connected once: a later `connecting` (a new leader's first socket) shows as `reconnecting`.
  let been = false;
  // Missed frames (back from the cache, or stopped leading): catch up when next connected.
  let behind = false;
  // While leading: the other tabs the visitor can see now.
  const shown = new Set<string>();

  const post = (m: { t: string; [k: string]: unknown }) => channel?.postMessage({ ...m, from: me, who: who() });
  const show = (s: RuntimeStatus) => {
    if (s === 'connected') been = true;
    status.value = s === 'connecting' && been ? 'reconnecting' : s;
  };
  const ready = () => {
    behind = false;
    events.emit('ready', undefined);
  };
  const visible = () => post({ t: 'visible', v: isPageVisible() });

  // #region leading
  function lead() {
    shown.clear();
    const rt = (own = options.create({
      isVisible: () => isPageVisible() || shown.size > 0,
      onError(e) {
        post({ t: 'error', code: e.code, message: e.message, retryable: e.retryable });
        events.emit('error', e);
      },
    }));
    stops = [
      rt.status.subscribe((s) => {
        if (s === 'idle') return;
        post({ t: 'status', s });
        show(s);
      }),
      // The others first: a listener here may post about what it just got (the runtime's "seen").
      rt.onFrame((f) => {
        post({ t: 'frame', f });
        events.emit('frame', f);
      }),
      rt.onReady(() => {
        post({ t: 'ready' });
        ready();
      }),
    ];
    rt.connect();
  }

  // Stops leading: the others are told, and the socket closes (its last statuses are not relayed).
  function unlead() {
    if (!own) return;
    post({ t: 'bye' });
    for (const stop of stops.splice(0)) stop();
    own.close();
    own = null;
    // Frames the new leader gets before this tab hears it are lost here.
    behind = true;
  }
  // #endregion

  function receive(m: TabMessage) {
    if (m.who !== who()) return;
    if (own) {
      if (m.t === 'hello') post({ t: 'status', s: own.status.peek(), to: m.from });
      else if (m.t === 'send') own.send(m.f as ClientFrame);
      if (m.t === 'hello' || m.t === 'visible') {
        if (!m.v) shown.delete(m.from);
        else if (!shown.has(m.from)) {
          shown.add(m.from);
          // A tab the visitor looks at again: probe the socket now (or skip a reconnect wait).
          own.wake();
        }
      }
      return;
    }
    if (m.t === 'status') {
      // A new leader knows nothing of this tab yet.
      if (m.from !== followed) visible();
      // Joined again (back from the back/forward cache, or no longer leading) while the leader
      // was up: catch up as after a `ready`. A first join needs none: it comes before the
      // runtime's first read, and a catch-up racing that read would only read twice.
      const rejoined = m.to === me && m.s === 'connected' && behind;
      followed = m.from;
      show(m.s as RuntimeStatus);
      if (rejoined) ready();
    } else if (m.t === 'frame') events.emit('frame', m.f as ServerFrame);
    else if (m.t === 'ready') ready();
    else if (m.t === 'error') events.emit('error', new RuntimeError(m.code as ErrorCode, String(m.message), { retryable: m.retryable === true }));
    else if (m.t === 'bye' && m.from === followed) show('reconnecting');
  }

  function join() {
    listen((channel = options.channel(name)), receive);
    // Web Locks where the platform has them, else an election over the channel.
    const e = (election = createElection({ name: `${name}:leader`, channel: options.channel }));
    unfollow = e.leader.subscribe((is) => {
      leader.value = is;
      if (is) lead();
      else {
        unlead();
        post({ t: 'hello', v: isPageVisible() });
      }
    });
  }

  // Leaves the election (a leader hands over) and closes the channel.
  function leave() {
    if (!own) post({ t: 'visible', v: false });
    unfollow?.();
    unlead();
    election?.close();
    election = null;
    leader.value = false;
    channel?.close();
    channel = null;
  }

  return {
    status,
    leader,
    connect() {
      if (unlisten) return;
      show('connecting');
      join();
      unlisten = onPage({
        visible: () => own || visible(),
        // Leaving (maybe into the back/forward cache): hand over now rather than hold the lock
        // from a frozen page, and close the channel, whose messages would evict the page.
        hide() {
          leave();
          behind = true;
          show('reconnecting');
        },
        restore: () => election ?? join(),
      });
    },
    close() {
      unlisten?.();
      unlisten = undefined;
      leave();
      status.value = 'closed';
    },
    onFrame: (listener) => events.on('frame', listener),
    onReady: (listener) => events.on('ready', listener),
    onError: (listener) => events.on('error', listener),
    /**
     * A follower's frame is handed to the leader: `true` means the socket was up when last heard
     * of, not that the frame went out (best effort, as typing is).
     */
    send(frame) {
      if (own) return own.send(frame);
      // A follower's renewed token is its own business: the leader's socket has the leader's.
      if (frame.type === 'auth' || !channel) return false;
      post({ t: 'send', f: frame });
      return status.peek() === 'connected';
    },
    wake: () => (own ? own.wake() : visible()),
  };
}
