/**
 * The call timers against a real (in-memory PGlite) database whose writes can be made to fail
 * (extensions.md §15): a ring timeout or drop grace whose write fails is tried again, the
 * sweep ends what still slipped through, the ring deadline is kept on the server's own clock,
 * and a service closed for shutdown arms nothing more.
 */
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createAttachmentLinkService } from '../../../demo/server/attachments/links.ts';
import { type CallServiceOptions, createCallService } from '../../../demo/server/calls/service.ts';
import { defaultConfig } from '../../../demo/server/config.ts';
import type { Database, Queryable } from '../../../demo/server/db/database.ts';
import { openDatabase } from '../../../demo/server/db/open.ts';
import type { Deps } from '../../../demo/server/http/context.ts';
import { createHub } from '../../../demo/server/realtime/hub.ts';
import { DEMO_AGENT, DEMO_TENANT_ID, seedDemo } from '../../../demo/server/seed.ts';

let db: Database;
/** How many of the next transactions fail, as a dropped connection would. */
let failures = 0;
/** The database's clock against the server's (SQL added to every `now()` of a transaction), e.g. `- interval '1 hour'`. */
let dbClockSkew = '';
const errors: string[] = [];
const services: { close(): Promise<void> }[] = [];

/** The database, with transactions that fail while `failures` lasts. */
const flaky: Database = {
  query: (sql, params) => db.query(sql, params),
  exec: (sql) => db.exec(sql),
  close: () => db.close(),
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (failures > 0) {
      failures--;
      return Promise.reject(new Error('connection reset'));
    }
    if (!dbClockSkew) return db.transaction(fn);
    return db.transaction((tx) =>
      fn({ exec: (sql) => tx.exec(sql), query: (sql, params) => tx.query(sql.replaceAll('now()', `(now() ${dbClockSkew})`), params) }),
    );
  },
};

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await seedDemo(db, { allowedOrigins: [], serverApiKey: 'sk_test_calls_timers_0123456789' });
});
afterEach(async () => {
  failures = 0;
  dbClockSkew = '';
  errors.length = 0;
  await Promise.all(services.splice(0).map((s) => s.close()));
});
afterAll(() => db?.close());

function service(config: { callRingTimeoutMs?: number; callDropGraceMs?: number }, options: CallServiceOptions = { retryDelaysMs: [5, 5, 5] }) {
  // Only what calls use: the database, the hub, the config, the log and the (unused) attachment links.
  const deps = {
    db: flaky,
    hub: createHub(),
    config: { ...defaultConfig(), ...config },
    log: { info() {}, error: (message: string) => errors.push(message) },
    links: createAttachmentLinkService('secret', 60),
  } as unknown as Omit<Deps, 'calls'>;
  const calls = createCallService(deps, options);
  services.push(calls);
  return calls;
}

let seq = 0;
/** A fresh visitor with an open conversation. */
async function conversation() {
  seq++;
  const visitorId = `vis_timer_${seq}`;
  const conversationId = `conv_timer_${seq}`;
  await db.query('INSERT INTO visitors (id, tenant_id, credential_hash) VALUES ($1, $2, $3)', [visitorId, DEMO_TENANT_ID, `hash_${seq}`]);
  await db.query('INSERT INTO conversations (id, tenant_id, visitor_id) VALUES ($1, $2, $3)', [conversationId, DEMO_TENANT_ID, visitorId]);
  return { tenantId: DEMO_TENANT_ID, visitorId, conversationId, type: 'audio' as const };
}

const statusOf = async (id: string) => (await db.query<{ status: string; end_reason: string | null }>('SELECT status, end_reason FROM call_sessions WHERE id = $1', [id]))[0];

it('tries a failed ring timeout again, so the call does not keep ringing', async () => {
  const calls = service({ callRingTimeoutMs: 20 });
  const row = await calls.create(await conversation());
  failures = 2;
  await vi.waitFor(async () => expect(await statusOf(row.id)).toEqual({ status: 'missed', end_reason: 'no_answer' }));
  expect(errors.filter((e) => e.includes('trying again'))).toHaveLength(2);
});

it('sweeps a ringing call whose timeout kept failing into a missed one', async () => {
  const calls = service({ callRingTimeoutMs: 20 });
  const row = await calls.create(await conversation());
  failures = 4;
  // Every attempt failed and was logged: the call still rings in the database.
  await vi.waitFor(() => expect(errors).toContain('call timer failed'));
  expect((await statusOf(row.id))?.status).toBe('started');
  expect(await calls.sweep()).toBe(1);
  expect(await statusOf(row.id)).toEqual({ status: 'missed', end_reason: 'no_answer' });
});

it('tries a failed drop grace again, so an answered call nobody is connected to ends', async () => {
  const calls = service({ callDropGraceMs: 20 });
  const row = await calls.create(await conversation());
  failures = 1;
  // No sockets at all: both parties' graces start with the answer.
  await calls.answer(DEMO_TENANT_ID, DEMO_AGENT.id, row.id);
  await vi.waitFor(async () => expect(await statusOf(row.id)).toEqual({ status: 'ended', end_reason: 'connection_lost' }));
  expect(errors.some((e) => e.includes('trying again'))).toBe(true);
});

it('keeps the ring deadline on the server\'s clock, whatever the database\'s says', async () => {
  // A database host whose clock is an hour behind: the call still rings its full timeout.
  dbClockSkew = "- interval '1 hour'";
  const calls = service({ callRingTimeoutMs: 45_000 });
  const before = Date.now();
  const row = await calls.create(await conversation());
  const deadline = new Date(row.ring_deadline).getTime();
  expect(deadline).toBeGreaterThanOrEqual(before + 45_000);
  expect(deadline).toBeLessThanOrEqual(Date.now() + 45_000);
  // Not missed on the spot: the status is read after the ring timer's turn would have come.
  await new Promise<void>((resolve) => setImmediate(resolve));
  expect((await statusOf(row.id))?.status).toBe('started');
});

it('arms no ring timer once closed: the next server re-arms it from the database', async () => {
  const calls = service({ callRingTimeoutMs: 45_000 });
  await calls.close();
  // A 45 s timer left behind would hold the process (or a test worker) open after shutdown.
  const timers = vi.spyOn(globalThis, 'setTimeout');
  const row = await calls.create(await conversation());
  const ringTimers = timers.mock.calls.filter(([, ms]) => typeof ms === 'number' && ms > 40_000);
  timers.mockRestore();
  expect(ringTimers).toEqual([]);
  expect((await statusOf(row.id))?.status).toBe('started');
});
