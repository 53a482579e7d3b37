/**
 * Stand-ins for what the browser gives the tabs of one site, for election tests on a fake
 * clock: a channel hub (BroadcastChannel semantics, with a delivery delay and tabs that can die
 * silently) and a lock manager (Web Locks semantics: exclusive, queued, abortable, freed when
 * the tab dies).
 */
import type { ChannelFactory, ChannelLike } from '../../../src/tabs/channel.ts';
import type { LockManagerLike } from '../../../src/lib/locks.ts';

interface Member {
  name: string;
  tab: object;
  listeners: Array<(event: { data: unknown }) => void>;
  closed: boolean;
}

/** Channels of one origin; messages arrive after `latencyMs` (a task, like the real thing). */
export function channelHub(latencyMs = 0) {
  const members = new Set<Member>();
  const dead = new WeakSet<object>();
  return {
    /** The channel factory of one tab; `kill()` makes it fall silent and deaf, as a crashed tab. */
    tab(): { channel: ChannelFactory; kill(): void } {
      const tab = {};
      return {
        channel(name): ChannelLike {
          const me: Member = { name, tab, listeners: [], closed: false };
          members.add(me);
          return {
            postMessage(message) {
              if (me.closed) throw new Error('InvalidStateError: the channel is closed');
              if (dead.has(tab)) return;
              const data = structuredClone(message);
              for (const other of members) {
                if (other === me || other.name !== name) continue;
                setTimeout(() => {
                  if (!other.closed && !dead.has(other.tab)) for (const listener of other.listeners) listener({ data });
                }, latencyMs);
              }
            },
            addEventListener: (_type, listener) => void me.listeners.push(listener),
            close() {
              me.closed = true;
              members.delete(me);
            },
          };
        },
        kill: () => void dead.add(tab),
      };
    },
  };
}

/** One browser's lock manager; each tab gets its own view so a dead tab's locks can be freed. */
export function lockHub() {
  const held = new Map<string, { tab: object; release: () => void }>();
  const queues = new Map<string, Array<{ tab: object; grant: () => void }>>();
  const next = (name: string) => {
    if (held.has(name)) return;
    queues.get(name)?.shift()?.grant();
  };
  return {
    /** Whether some tab holds the lock `name` now. */
    held: (name: string) => held.has(name),
    tab(): { locks: LockManagerLike; kill(): void } {
      const tab = {};
      return {
        locks: {
          request(name, options, callback) {
            return new Promise((resolve, reject) => {
              const entry = {
                tab,
                grant() {
                  let release!: () => void;
                  const done = new Promise<void>((r) => (release = r));
                  held.set(name, { tab, release });
                  // As in browsers: granted now, the callback runs in a later task (an abort in
                  // between no longer cancels anything).
                  setTimeout(() =>
                    void Promise.race([callback(), done]).then(resolve, reject).finally(() => {
                      if (held.get(name)?.tab === tab) held.delete(name);
                      next(name);
                    }),
                  );
                },
              };
              options.signal?.addEventListener('abort', () => {
                const queue = queues.get(name) ?? [];
                if (!queue.includes(entry)) return;
                queue.splice(queue.indexOf(entry), 1);
                reject(new DOMException('The request was aborted.', 'AbortError'));
              });
              queues.set(name, [...(queues.get(name) ?? []), entry]);
              queueMicrotask(() => next(name));
            });
          },
        },
        // The browser frees a gone tab's locks (and forgets its queued requests).
        kill() {
          for (const [name, queue] of queues) queues.set(name, queue.filter((e) => e.tab !== tab));
          for (const [, lock] of held) if (lock.tab === tab) lock.release();
        },
      };
    },
  };
}
