/**
 * Leader election among the tabs of one site: exactly one tab holds the realtime socket.
 *
 * Web Locks where the platform has them: the leader holds an exclusive lock until it closes;
 * the browser frees it when the tab goes away (closed, crashed, navigated), so the next tab in
 * the lock's queue leads at once, with no timers at all. Where they exist but refuse this page
 * (a sandboxed iframe, an opaque origin), the channel way below.
 *
 * Without Web Locks (Safari before 15.4, some WebViews), over the channel:
 *   - the leader posts `lead` every 500 ms, and answers every `claim` with `lead` at once
 *     (so a tab whose timers are throttled in the background still keeps its place);
 *   - a tab that joins, or hears nothing for 1.5 s, or hears the leader `resign`, posts
 *     `claim` and listens for 200 ms: a `lead` makes it follow; otherwise the lowest id among
 *     the claims heard leads (the others follow it, and claim again if it never speaks);
 *   - two leaders (claims that crossed in flight, or a claim that outran a busy leader's answer)
 *     hear each other's `lead`, which a new leader posts at once: the one that led later steps
 *     down (the lower id on a tie), so a split lasts about one message's trip.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { pageLocks, type LockManagerLike } from '../lib/locks.ts';
import { uuid } from '../lib/uuid.ts';
import { listen, type ChannelFactory, type ChannelLike, type TabMessage } from './channel.ts';


export interface ElectionOptions {
  /** Tabs with the same name elect one leader among them. */
  name: string;
  /** @default navigator.locks when it exists; `null` forces the channel fallback */
  locks?: LockManagerLike | null;
  /** For the fallback; with neither, this tab leads (it is alone). */
  channel?: ChannelFactory;
}

// Fallback timings: how often the leader says so, the silence after which a follower claims,
// and how long claims are collected before the lowest id leads. Takeover after a silent death
// is TIMEOUT + CLAIM (1.7 s); after a `resign`, CLAIM.
const HEARTBEAT = 500;
const TIMEOUT = 1500;
const CLAIM = 200;

export interface Election {
  /** Whether this tab leads; changes as tabs come and go. */
  readonly leader: ReadonlySignal<boolean>;
  /** Leaves the election (a leader hands over at once). */
  close(): void;
}

export function createElection(options: ElectionOptions): Election {
  const leader = signal(false);
  const locks = pageLocks(options.locks);
  let closed = false;
  const byChannelOrAlone = () => (options.channel ? byChannel(options.channel(options.name), leader) : ((leader.value = true), () => undefined));
  // Web Locks refused (a sandboxed iframe, an opaque origin: SecurityError): the channel way.
  let stop = locks ? byLock(locks, options.name, leader, () => closed || (stop = byChannelOrAlone())) : byChannelOrAlone();
  return {
    leader,
    close() {
      closed = true;
      stop();
      leader.value = false;
    },
  };
}

function byLock(locks: LockManagerLike, name: string, leader: { value: boolean }, refused: () => void): () => void {
  const abort = new AbortController();
  let release: (() => void) | undefined;
  locks
    .request(name, { signal: abort.signal }, () =>
      // Granted after this tab left: the browser grants first and runs this in a later task, so
      // an abort in between came too late. Give the lock back at once instead of leading.
      abort.signal.aborted
        ? Promise.resolve()
        : ((leader.value = true), new Promise<void>((resolve) => (release = resolve))),
    )
    // Aborted before it was granted: this tab left while waiting in the queue.
    .catch((error: unknown) => (error as { name?: unknown } | null)?.name === 'AbortError' || refused());
  return () => {
    abort.abort();
    release?.();
  };
}

function byChannel(channel: ChannelLike, leader: { value: boolean }): () => void {
  const me = uuid();
  // Ids of the tabs claiming with us, while a claim window is open.
  let claims: Set<string> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A leader's rank: when it began to lead, then its id. Of two leaders the earlier one stays,
  // so a tab that wrongly led (its claim outran a busy leader's answer) steps down, not the
  // leader with the socket.
  let rank = '';
  const post = (t: string) => channel.postMessage({ t, from: me, rank } satisfies TabMessage);
  const after = (ms: number, then: () => void) => {
    clearTimeout(timer);
    timer = setTimeout(then, ms);
  };

  const lead = () => {
    claims = null;
    // (Compared as strings: `Date.now()` keeps 13 digits until the year 2286.)
    if (!leader.value) rank = `${Date.now()}${me}`;
    leader.value = true;
    post('lead');
    after(HEARTBEAT, lead);
  };
  // Waits for the leader's next word; silence means it is gone.
  const follow = () => {
    claims = null;
    leader.value = false;
    after(TIMEOUT, claim);
  };
  function claim() {
    claims = new Set([me]);
    post('claim');
    after(CLAIM, () => ([...claims!].sort()[0] === me ? lead() : follow()));
  }

  listen(channel, ({ t, from, rank: theirs }) => {
    if (t === 'lead') {
      // Two leaders: the lower rank stays and repeats itself, the other steps down.
      if (!leader.value || String(theirs) < rank) follow();
      else post('lead');
    } else if (t === 'claim') {
      if (leader.value) post('lead');
      else claims?.add(from);
    } else if (t === 'resign') {
      if (claims) claims.delete(from);
      else if (!leader.value) claim();
    }
  });
  claim();

  return () => {
    clearTimeout(timer);
    if (leader.value || claims) post('resign');
    channel.close();
  };
}
