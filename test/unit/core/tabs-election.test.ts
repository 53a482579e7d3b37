import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createElection, type Election, type ElectionOptions } from '../../../src/tabs/election.ts';
import { channelHub, lockHub } from './tabs-fakes.ts';

// Leader election among the tabs of one site, on a fake clock: the Web Locks way and the
// BroadcastChannel fallback (no Web Locks: old Safari, some WebViews).

let elections: Election[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'queueMicrotask'] });
});
afterEach(() => {
  for (const e of elections.splice(0)) e.close();
  vi.useRealTimers();
});

const elect = (options: Omit<ElectionOptions, 'name'>) => {
  const election = createElection({ name: 'site', ...options });
  elections.push(election);
  return election;
};
// The lock manager's turns (a grant, then the callback in a later task) on the fake clock.
const settle = () => vi.advanceTimersByTimeAsync(1);
const leaders = (list: readonly Election[]) => list.filter((e) => e.leader.value);

/** Advances the clock in small steps until `done()`, answering how long that took (ms). */
async function timeUntil(done: () => boolean, limitMs = 10_000): Promise<number> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limitMs) throw new Error(`not done within ${limitMs} ms`);
    await vi.advanceTimersByTimeAsync(10);
  }
  return Date.now() - start;
}

/** Counts, over `ms`, how long more than one tab led at once (ms) and how often the leader changed. */
async function watch(list: readonly Election[], ms: number) {
  let split = 0;
  let changes = 0;
  let last = leaders(list)[0];
  for (let t = 0; t < ms; t += 10) {
    await vi.advanceTimersByTimeAsync(10);
    const now = leaders(list);
    if (now.length > 1) split += 10;
    if (now.length === 1 && now[0] !== last) {
      if (last) changes++;
      last = now[0];
    }
  }
  return { split, changes };
}

describe('over Web Locks', () => {
  it('lets exactly one of several tabs lead', async () => {
    const hub = lockHub();
    const tabs = Array.from({ length: 5 }, () => elect({ locks: hub.tab().locks }));
    await settle();
    expect(leaders(tabs)).toEqual([tabs[0]]);
    const { split, changes } = await watch(tabs, 5_000);
    expect({ split, changes }).toEqual({ split: 0, changes: 0 });
  });

  it('hands over at once when the leader closes, and when its tab dies', async () => {
    const hub = lockHub();
    const views = Array.from({ length: 3 }, () => hub.tab());
    const tabs = views.map((v) => elect({ locks: v.locks }));
    await settle();
    tabs[0]!.close();
    await settle();
    expect(leaders(tabs)).toEqual([tabs[1]]);
    // A crash or a closed tab: no close() runs, the browser frees the lock.
    views[1]!.kill();
    await settle();
    // (The dead tab's own state says nothing any more: it runs no code.)
    expect(leaders([tabs[0]!, tabs[2]!])).toEqual([tabs[2]]);
  });

  it('changes nothing when a follower closes, and never lets a closed tab lead', async () => {
    const hub = lockHub();
    const tabs = Array.from({ length: 3 }, () => elect({ locks: hub.tab().locks }));
    await settle();
    tabs[1]!.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(leaders(tabs)).toEqual([tabs[0]]);
    tabs[0]!.close();
    await settle();
    expect(leaders(tabs)).toEqual([tabs[2]]);
  });

  it('does not lead, nor keep the lock, when it leaves between the grant and its turn to run', async () => {
    // Two tabs leaving at once, or a widget unmounted right as the leader tab closes.
    const hub = lockHub();
    const [a, b] = [elect({ locks: hub.tab().locks }), elect({ locks: hub.tab().locks })];
    await settle();
    a.close();
    // The lock passes to b within a few microtasks; b's callback would run in a later task.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    b.close();
    const c = elect({ locks: hub.tab().locks });
    await settle();
    expect([a, b, c].map((e) => e.leader.value)).toEqual([false, false, true]);
    c.close();
    await settle();
    expect(hub.held('site')).toBe(false);
  });

  it('elects over the channel when Web Locks refuse the page (a sandboxed iframe)', async () => {
    const refusing = { request: () => Promise.reject(new DOMException('The request was denied.', 'SecurityError')) };
    const hub = channelHub(1);
    const tabs = [elect({ locks: refusing, channel: hub.tab().channel }), elect({ locks: refusing, channel: hub.tab().channel })];
    await timeUntil(() => leaders(tabs).length === 1);
    expect((await watch(tabs, 3_000)).split).toBe(0);
  });
});

describe('over a BroadcastChannel (no Web Locks)', () => {
  const fallback = (hub: ReturnType<typeof channelHub>) => {
    const view = hub.tab();
    return { view, election: elect({ locks: null, channel: view.channel }) };
  };

  it('lets exactly one of several tabs lead, the first one soon after it joins', async () => {
    const hub = channelHub();
    const first = fallback(hub).election;
    expect(await timeUntil(() => first.leader.value)).toBeLessThanOrEqual(300);
    const tabs = [first, ...Array.from({ length: 4 }, () => fallback(hub).election)];
    const { split, changes } = await watch(tabs, 10_000);
    expect(leaders(tabs)).toEqual([first]);
    expect({ split, changes }).toEqual({ split: 0, changes: 0 });
  });

  it('elects exactly one when every tab joins at the same moment', async () => {
    const hub = channelHub(1);
    const tabs = Array.from({ length: 6 }, () => fallback(hub).election);
    await timeUntil(() => leaders(tabs).length > 0);
    const { split, changes } = await watch(tabs, 10_000);
    expect(leaders(tabs)).toHaveLength(1);
    expect({ split, changes }).toEqual({ split: 0, changes: 0 });
  });

  it('hands over within 2 s when the leader closes', async () => {
    const hub = channelHub(1);
    const tabs = Array.from({ length: 3 }, () => fallback(hub).election);
    await timeUntil(() => leaders(tabs).length === 1);
    const old = leaders(tabs)[0]!;
    old.close();
    const rest = tabs.filter((e) => e !== old);
    const took = await timeUntil(() => leaders(rest).length === 1);
    console.log(`fallback takeover after the leader closed: ${took} ms`);
    expect(took).toBeLessThan(2_000);
    expect((await watch(rest, 5_000)).split).toBe(0);
  });

  it('takes over within 2 s when the leader tab dies without a word', async () => {
    const hub = channelHub(1);
    const tabs = Array.from({ length: 3 }, () => fallback(hub));
    await timeUntil(() => leaders(tabs.map((t) => t.election)).length === 1);
    const old = tabs.find((t) => t.election.leader.value)!;
    old.view.kill();
    const rest = tabs.filter((t) => t !== old).map((t) => t.election);
    const took = await timeUntil(() => leaders(rest).length === 1);
    console.log(`fallback takeover after the leader died: ${took} ms`);
    expect(took).toBeLessThan(2_000);
    expect((await watch(rest, 5_000)).split).toBe(0);
  });

  it('ends a split brain from claims that crossed in flight within a claim window', async () => {
    // Messages slower than the claim window: every tab believes it is alone at first.
    const hub = channelHub(300);
    const tabs = Array.from({ length: 4 }, () => fallback(hub).election);
    await timeUntil(() => leaders(tabs).length > 1);
    const { split } = await watch(tabs, 5_000);
    expect(leaders(tabs)).toHaveLength(1);
    // The leaders hear each other's first `lead` one trip (300 ms) after leading.
    expect(split).toBeLessThanOrEqual(700);
    expect((await watch(tabs, 10_000)).split).toBe(0);
  });

  it('keeps the established leader when a new tab’s claim outruns its answer (a busy leader)', async () => {
    const hub = channelHub(300);
    const first = fallback(hub).election;
    await timeUntil(() => first.leader.value);
    await vi.advanceTimersByTimeAsync(1_000);
    const tabs = [first, fallback(hub).election];
    const seen: boolean[] = [];
    first.leader.subscribe((v) => seen.push(v));
    const { split } = await watch(tabs, 5_000);
    expect(leaders(tabs)).toEqual([first]);
    // The newcomer led for a moment, and stepped down; the leader never did.
    expect(split).toBeGreaterThan(0);
    expect(split).toBeLessThanOrEqual(700);
    expect(seen).toEqual([true]);
  });

  it('never ends with no leader when tabs come and go', async () => {
    const hub = channelHub(1);
    const tabs = Array.from({ length: 4 }, () => fallback(hub));
    const of = (list: typeof tabs) => list.map((t) => t.election);
    await timeUntil(() => leaders(of(tabs)).length === 1);
    // A follower closes, the leader dies, a new tab joins: one of those left leads.
    const follower = tabs.find((t) => !t.election.leader.value)!;
    follower.election.close();
    const dead = tabs.find((t) => t.election.leader.value)!;
    dead.view.kill();
    const alive = [...tabs.filter((t) => t !== follower && t !== dead), fallback(hub)];
    expect(await timeUntil(() => leaders(of(alive)).length === 1)).toBeLessThan(2_000);
    // Then that leader closes too.
    const next = alive.find((t) => t.election.leader.value)!;
    next.election.close();
    const rest = alive.filter((t) => t !== next);
    expect(await timeUntil(() => leaders(of(rest)).length === 1)).toBeLessThan(2_000);
    const { split } = await watch(of(rest), 5_000);
    expect(split).toBe(0);
    expect(leaders(of(rest))).toHaveLength(1);
  });

  it('changes nothing when a follower closes', async () => {
    const hub = channelHub(1);
    const tabs = Array.from({ length: 3 }, () => fallback(hub).election);
    await timeUntil(() => leaders(tabs).length === 1);
    const boss = leaders(tabs)[0]!;
    tabs.find((e) => e !== boss)!.close();
    const { split, changes } = await watch(tabs, 5_000);
    expect(leaders(tabs)).toEqual([boss]);
    expect({ split, changes }).toEqual({ split: 0, changes: 0 });
  });
});

it('leads alone where there is neither Web Locks nor BroadcastChannel', () => {
  expect(elect({ locks: null }).leader.value).toBe(true);
});
