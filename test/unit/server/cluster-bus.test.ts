/**
 * The cluster bus and presence on a real database: PGlite in this process, and PostgreSQL too
 * when TEST_DATABASE_URL is set. Events arrive in publish order, in batches; payloads stay small
 * and hold ids, never a message body or a signal's SDP; presence of one instance is seen by
 * another, and a silent instance is reaped with its sockets.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAttachmentLinkService } from '../../../demo/server/attachments/links.ts';
import { CLUSTER_CHANNEL, createBus } from '../../../demo/server/cluster/bus.ts';
import { createClusterHub } from '../../../demo/server/cluster/cluster-hub.ts';
import type { Envelope } from '../../../demo/server/cluster/events.ts';
import { createPresence } from '../../../demo/server/cluster/presence.ts';
import type { Database } from '../../../demo/server/db/database.ts';
import { openDatabase } from '../../../demo/server/db/open.ts';
import { clusterEngines } from './cluster-engines.ts';
import { createHub, type Subscriber } from '../../../demo/server/realtime/hub.ts';

// Several instances on one PGlite (this process): the cluster path, as on PostgreSQL. A real
// PGlite server is alone and delivers in-process (see the last describe).
const engines = clusterEngines('bus');

// A first run after a migration change builds PGlite's template (seconds): not inside a test's time.
beforeAll(() => openDatabase({ dataDir: 'memory://' }).then((db) => db.close()), 120_000);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const onError = (message: string, error: unknown) => {
  throw new Error(`${message}: ${String(error)}`);
};

/** One instance on `db`: its bus, presence and cluster hub, started now and closed after the test. */
async function startInstance(db: Database, id: string, presence: { heartbeatMs: number; staleMs: number; onError?: (message: string, error: unknown) => void }) {
  const bus = createBus(db, { instanceId: id, onError });
  const local = createHub({ idPrefix: id });
  const seen = createPresence(db, bus, { onError, ...presence });
  const hub = createClusterHub({ db, bus, local, presence: seen, links: createAttachmentLinkService('secret', 60), onTypingStop: () => undefined });
  await bus.start((events) => hub.deliver(events), () => undefined);
  await seen.start();
  cleanups.push(async () => {
    await seen.close();
    await bus.close();
  });
  return { bus, presence: seen, hub };
}

describe.each(engines)('on %s', (_name, open) => {
  async function database() {
    const db = await open();
    cleanups.push(() => db.close());
    return db;
  }

  it('delivers a burst in publish order, in fewer batches than events, identical events included', async () => {
    const db = await database();
    const bus = createBus(db, { instanceId: 'one', onError });
    const batches: Envelope[][] = [];
    await bus.start(async (events) => void batches.push(events), () => undefined);
    cleanups.push(() => bus.close());
    for (let n = 0; n < 200; n++) bus.publish({ k: 'ts', role: 'visitor', sub: 'same', c: n % 2 === 0 ? 'even' : 'odd' });
    await vi.waitFor(() => expect(batches.flat()).toHaveLength(200));
    expect(batches.flat().map((e) => e.n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(batches.length).toBeLessThan(200);
  });

  it('retries a batch whose NOTIFY failed (a pool blip): the events still arrive, in order, once', async () => {
    const real = await database();
    let failures = 2;
    const db: Database = {
      ...real,
      query: (sql, params) => (sql.includes('pg_notify') && failures-- > 0 ? Promise.reject(new Error('connection reset')) : real.query(sql, params)),
    };
    const bus = createBus(db, { instanceId: 'one', onError, retryDelaysMs: [10, 10, 10] });
    const heard: Envelope[] = [];
    await bus.start(async (events) => void heard.push(...events), () => undefined);
    cleanups.push(() => bus.close());
    for (let n = 0; n < 3; n++) bus.publish({ k: 'ts', role: 'visitor', sub: `s${n}`, c: 'conv' });
    await vi.waitFor(() => expect(heard.map((e) => e.k === 'ts' && e.sub)).toEqual(['s0', 's1', 's2']));
    expect(failures).toBe(-1);
  });

  it('keeps frames with content out of the NOTIFY payload: a 20 KB signal is stored and named by id', async () => {
    const db = await database();
    const payloads: string[] = [];
    const stop = await db.listen!(CLUSTER_CHANNEL, (payload) => payloads.push(payload));
    cleanups.push(stop);
    const { hub } = await startInstance(db, 'one', { heartbeatMs: 60_000, staleMs: 180_000 });
    const received: string[] = [];
    const agent: Subscriber = { role: 'agent', tenantId: 'client_acme', subject: 'agent-demo', send: (text) => received.push(text) };
    hub.add(agent);

    const sdp = `v=0 ${'a=candidate secret-ish\r\n'.repeat(800)}`;
    hub.toAgent('client_acme', 'agent-demo', { type: 'call.signal', callId: 'call_1', from: 'visitor', signal: { kind: 'offer', sdp } });
    hub.toAgents('client_acme', { type: 'typing', conversationId: 'conv_1', by: 'visitor', typing: true });
    await vi.waitFor(() => expect(received).toHaveLength(2));
    // In publish order, though the first one waited for its row.
    expect(JSON.parse(received[0]!)).toMatchObject({ type: 'call.signal', signal: { sdp } });
    expect(JSON.parse(received[1]!)).toMatchObject({ type: 'typing' });
    expect(payloads.length).toBeGreaterThanOrEqual(3); // presence, stored signal, typing
    for (const payload of payloads) {
      expect(Buffer.byteLength(payload)).toBeLessThan(1000);
      expect(payload).not.toContain('secret-ish');
    }
  });

  it("sees another instance's sockets, forgets them when it leaves, and reaps one that went silent", async () => {
    const db = await database();
    const make = (id: string) => startInstance(db, id, { heartbeatMs: 50, staleMs: 1000 });
    const one = await make('one');
    const two = await make('two');
    const changes: string[] = [];
    two.hub.onPresence((s, present) => changes.push(`${s.subject} ${present ? 'came' : 'went'}`));
    const visitor: Subscriber = { role: 'visitor', tenantId: 't', subject: 'vis_1', send: () => undefined, callScope: 'conv_9' };
    one.hub.add(visitor);
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'vis_1', 'conv_9')).toBe(true));
    // A call-link socket counts for its own conversation only.
    expect(two.hub.hasSocket('visitor', 't', 'vis_1', 'conv_other')).toBe(false);
    one.hub.remove(visitor);
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(false));
    expect(changes).toEqual(['vis_1 came', 'vis_1 went']);

    // Instance one leaves: two forgets its sockets at once.
    one.hub.add(visitor);
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(true));
    await one.presence.close();
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(false));

    // Instance ghost is killed (SIGKILL: no goodbye) with an agent socket open: once its
    // heartbeat is older than staleMs, two reaps it, its rows and its socket.
    const ghost = createBus(db, { instanceId: 'ghost', onError });
    await db.query("INSERT INTO cluster_instances (id) VALUES ('ghost')");
    await db.query("INSERT INTO cluster_sockets (socket_id, instance_id, role, tenant_id, subject) VALUES ('ghost/1', 'ghost', 'agent', 't', 'agent_1')");
    ghost.publish({ k: 'p', s: 'ghost/1', role: 'agent', t: 't', sub: 'agent_1', on: true });
    await vi.waitFor(() => expect(two.hub.hasSocket('agent', 't', 'agent_1')).toBe(true));
    await db.query("UPDATE cluster_instances SET heartbeat_at = now() - interval '1 hour' WHERE id = 'ghost'");
    await vi.waitFor(() => expect(two.hub.hasSocket('agent', 't', 'agent_1')).toBe(false));
    expect(await db.query("SELECT 1 FROM cluster_sockets WHERE instance_id = 'ghost'")).toHaveLength(0);
    expect(changes.at(-1)).toBe('agent_1 went');
    // A late word from the reaped instance is not believed.
    ghost.publish({ k: 'p', s: 'ghost/2', role: 'agent', t: 't', sub: 'agent_1', on: true });
    await ghost.flushed();
    // Notifications arrive in commit order: once a later instance's word is in, ghost's was handled.
    createBus(db, { instanceId: 'later', onError }).publish({ k: 'p', s: 'later/1', role: 'visitor', t: 't', sub: 'marker', on: true });
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'marker')).toBe(true));
    expect(two.hub.hasSocket('agent', 't', 'agent_1')).toBe(false);
  });

  it('an instance reaped while alive (stalled heartbeat) rejoins: its old and new sockets are seen again; a resync heals lost events', async () => {
    const db = await database();
    const errors: string[] = [];
    const make = (id: string, heartbeatMs: number) => startInstance(db, id, { heartbeatMs, staleMs: 60_000, onError: (message) => void errors.push(message) });
    // One beats slowly enough that two hears the reap before one notices it.
    const one = await make('one', 400);
    const two = await make('two', 50);
    const visitor: Subscriber = { role: 'visitor', tenantId: 't', subject: 'vis_1', send: () => undefined };
    one.hub.add(visitor);
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(true));

    // Two reaps one as its heartbeat looked stale (what two's beat does): row deleted, gone told.
    await db.query("DELETE FROM cluster_instances WHERE id = 'one'");
    two.bus.publish({ k: 'g', g: 'one' });
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(false), { interval: 5 });

    // One's next beat finds itself reaped and rejoins: its socket is stored and seen again.
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(true));
    expect(await db.query("SELECT 1 FROM cluster_sockets WHERE socket_id LIKE 'one/%'")).toHaveLength(1);
    expect(errors.some((message) => message.includes('rejoining in epoch 1'))).toBe(true);
    // A socket opened after the rejoin is seen too, and so is its close.
    const later: Subscriber = { role: 'agent', tenantId: 't', subject: 'agent_2', send: () => undefined };
    one.hub.add(later);
    await vi.waitFor(() => expect(two.hub.hasSocket('agent', 't', 'agent_2')).toBe(true));
    one.hub.remove(later);
    await vi.waitFor(() => expect(two.hub.hasSocket('agent', 't', 'agent_2')).toBe(false));
    // Presence events lost (a LISTEN gap): a resync from the table heals both ways.
    await db.query("DELETE FROM cluster_sockets WHERE socket_id LIKE 'one/%'");
    await db.query("INSERT INTO cluster_sockets (socket_id, instance_id, role, tenant_id, subject) VALUES ('one/50', 'one', 'agent', 't', 'agent_unheard')");
    expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(true);
    await two.hub.resyncPresence();
    expect(two.hub.hasSocket('visitor', 't', 'vis_1')).toBe(false);
    expect(two.hub.hasSocket('agent', 't', 'agent_unheard')).toBe(true);
    // A late word from before the reap (epoch 0) is still not believed.
    const stale = createBus(db, { instanceId: 'one', onError });
    stale.publish({ k: 'p', s: 'one/99', role: 'agent', t: 't', sub: 'agent_stale', on: true });
    await stale.flushed();
    createBus(db, { instanceId: 'later', onError }).publish({ k: 'p', s: 'later/1', role: 'visitor', t: 't', sub: 'marker', on: true });
    await vi.waitFor(() => expect(two.hub.hasSocket('visitor', 't', 'marker')).toBe(true));
    expect(two.hub.hasSocket('agent', 't', 'agent_stale')).toBe(false);
  });
});

describe('alone on PGlite (one process holds its folder)', () => {
  it('delivers in-process with the objects the route holds: no statement, no socket row, no NOTIFY', async () => {
    const real = await openDatabase({ dataDir: 'memory://' });
    cleanups.push(() => real.close());
    expect(real.oneProcess).toBe(true);
    const statements: string[] = [];
    const db: Database = { ...real, query: (sql, params) => (statements.push(sql), real.query(sql, params)) };
    const payloads: string[] = [];
    cleanups.push(await real.listen!(CLUSTER_CHANNEL, (payload) => payloads.push(payload)));
    // The heartbeat's clock is a fake one, so "several heartbeat periods" pass when told to.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    cleanups.push(async () => void vi.useRealTimers());
    const { bus, hub } = await startInstance(db, 'solo', { heartbeatMs: 20, staleMs: 1000 });
    const received: string[] = [];
    hub.add({ role: 'agent', tenantId: 't', subject: 'agent_1', send: (text) => received.push(text) });
    expect(hub.hasSocket('agent', 't', 'agent_1')).toBe(true);
    // A message that is in no table: only the route's object can carry it.
    const message = { messageId: 'msg_1', conversationId: 'conv_1', seq: 1, body: 'hello', sender: { type: 'visitor' } } as unknown as Parameters<typeof hub.messageCreated>[2];
    hub.messageCreated('t', 'vis_1', message);
    const sdp = 'a=candidate\r\n'.repeat(1000);
    hub.toAgent('t', 'agent_1', { type: 'call.signal', callId: 'call_1', from: 'visitor', signal: { kind: 'offer', sdp } });
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(JSON.parse(received[0]!)).toMatchObject({ type: 'message.created', message: { messageId: 'msg_1', body: 'hello' } });
    expect(JSON.parse(received[1]!)).toMatchObject({ type: 'call.signal', signal: { sdp } });
    // Several heartbeat periods: a beat would have queried at once (its first statement is synchronous).
    vi.advanceTimersByTime(100);
    expect(statements).toEqual([]);
    // Nothing notified: a marker sent after everything the bus had to send arrives alone, and
    // notifications arrive in order, so anything the bus sent would have come before it.
    await bus.flushed();
    await real.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, 'marker']);
    await vi.waitFor(() => expect(payloads).toContain('marker'));
    expect(payloads).toEqual(['marker']);
    expect(statements).toEqual([]);
    expect(await real.query('SELECT 1 FROM cluster_sockets UNION ALL SELECT 1 FROM cluster_instances')).toHaveLength(0);
  });
});
