/**
 * Issue 10 item 6: `/sdk/health` is what a load balancer asks. It answers 503
 * `SERVICE_UNAVAILABLE` with the error envelope when the database does not answer a trivial
 * query within 1 s, or when the instance's `LISTEN` connection (the cluster bus) is down, so the
 * balancer stops sending it clients whose sockets would miss every event; 200 otherwise.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type RunningServer } from '../../demo/server/app.ts';
import type { Database } from '../../demo/server/db/database.ts';
import { noRateLimits } from '../../demo/server/limits/rules.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

async function health(baseUrl: string): Promise<{ status: number; json: { success?: boolean; code?: string; message?: string; data?: { status?: string } } }> {
  const res = await fetch(`${baseUrl}/sdk/health`);
  return { status: res.status, json: (await res.json()) as never };
}

describe('health on PGlite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('answers 200 while the database and the bus answer', async () => {
    const res = await health(server.baseUrl);
    expect([res.status, res.json.success, res.json.data?.status]).toEqual([200, true, 'ok']);
  });
});

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('health on PostgreSQL (TEST_DATABASE_URL)', () => {
  const dbName = `ringnity_health_${process.pid}_${Date.now()}`;
  let admin: pg.Client;
  let dir: string;
  let server: RunningServer;
  let baseUrl: string;
  let db: Database | undefined;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const target = new URL(url!);
    target.pathname = `/${dbName}`;
    dir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-health-'));
    server = await createServer({
      databaseUrl: target.toString(),
      dataDir: path.join(dir, 'data'),
      uploadDir: path.join(dir, 'uploads'),
      port: 0,
      filesPort: 0,
      host: '127.0.0.1',
      log: false,
      rateLimits: noRateLimits(),
      shutdownGraceMs: 1000,
    }, { afterSeed: async (d) => void (db = d) });
    baseUrl = `${server.url}/api`;
  });
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await server?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 when the database does not answer within 1 s (every pooled connection busy), and 200 once it does', async () => {
    expect((await health(baseUrl)).status).toBe(200);
    // The server's pool holds 10 connections: 10 slow queries leave none for the health check.
    const stall = Promise.all(Array.from({ length: 10 }, () => db!.query('SELECT pg_sleep(2.5)')));
    const started = Date.now();
    const res = await health(baseUrl);
    expect([res.status, res.json.success, res.json.code]).toEqual([503, false, 'SERVICE_UNAVAILABLE']);
    expect(res.json.message).toMatch(/database did not answer within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    await stall;
    expect((await health(baseUrl)).status).toBe(200);
  });

  it('answers 503 while the LISTEN connection is down and 200 once it is back', async () => {
    expect((await health(baseUrl)).status).toBe(200);
    // Kill the listening connection and keep it from coming back (pooled connections stay).
    await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'`, [dbName]);
    expect(killed.rowCount).toBe(1);
    await vi.waitFor(async () => {
      const res = await health(baseUrl);
      expect([res.status, res.json.success, res.json.code]).toEqual([503, false, 'SERVICE_UNAVAILABLE']);
      expect(res.json.message).toMatch(/LISTEN connection is down/);
    }, { timeout: 10_000, interval: 200 });
    await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    await vi.waitFor(async () => expect((await health(baseUrl)).status).toBe(200), { timeout: 15_000, interval: 200 });
  });
});
