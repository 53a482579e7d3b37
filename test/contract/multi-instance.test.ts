/**
 * Several reference-server instances on one PostgreSQL (issue 10), as separate processes: three
 * start at once on an empty database (migrations applied once); then a visitor on instance A and
 * an agent on instance B see each other live: messages, receipts, typing, and a call's
 * signaling both ways (the drop grace on B sees the visitor's socket on A). Last, A is killed
 * with SIGKILL and the visitor's runtime, behind a loopback balancer (the chaos proxy, as nginx
 * would be), fails over to B and resumes with no message lost or doubled.
 *
 * Runs when TEST_DATABASE_URL names a PostgreSQL it may create databases on (CI starts one).
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { createMemoryStorage, createRuntime, type Runtime } from '../../src/index.ts';
import { type ChaosProxy, startProxy } from '../chaos/proxy.ts';
import { type SpawnedServer, spawnServer } from './spawned-server.ts';
import { type TestSocket, connect } from './socket.ts';
import { client } from './support.ts';

const url = process.env.TEST_DATABASE_URL;
const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../demo/server/db/migrations');
const DROP_GRACE_MS = 1000;

describe.skipIf(!url)('several instances on one PostgreSQL (TEST_DATABASE_URL)', () => {
  let dir: string;
  let databaseUrl: string;
  let admin: pg.Client;
  const dbName = `ringnity_multi_${process.pid}_${Date.now()}`;
  let servers: SpawnedServer[] = [];
  let a: SpawnedServer;
  let b: SpawnedServer;
  let proxy: ChaosProxy | undefined;
  let runtime: Runtime | undefined;
  const sockets: TestSocket[] = [];
  const track = (s: TestSocket) => (sockets.push(s), s);

  const spawn = () =>
    spawnServer({
      dataDir: path.join(dir, 'data'),
      // One folder for all: an upload on one instance is served by any.
      uploadDir: path.join(dir, 'uploads'),
      env: { DATABASE_URL: databaseUrl, RATE_LIMITS: 'off', CALL_DROP_GRACE_MS: String(DROP_GRACE_MS) },
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-multi-'));
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const target = new URL(url!);
    target.pathname = `/${dbName}`;
    databaseUrl = target.toString();
  });
  afterAll(async () => {
    runtime?.destroy();
    for (const s of sockets) s.close();
    await proxy?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('three instances starting at once on an empty database apply each migration once and all answer /health', async () => {
    servers = await Promise.all([spawn(), spawn(), spawn()]);
    for (const s of servers) {
      const res = await fetch(`${s.baseUrl}/sdk/health`);
      expect(res.status).toBe(200);
    }
    // Counted in the test's own database (`admin` is connected to TEST_DATABASE_URL's).
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    // Exactly the files on disk, each recorded once. Applied twice (no lock), a migration fails
    // (CREATE TABLE, ADD COLUMN are not idempotent) and that instance never starts, so three
    // answering instances plus this list mean each ran once, one instance at a time.
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    const { rows } = await check.query<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY name`);
    expect(rows.map((row) => row.name)).toEqual(files);
    // The last migration's change is there once.
    const epoch = await check.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'cluster_instances' AND column_name = 'epoch'`);
    expect(epoch.rows).toHaveLength(1);
    // Every instance registered (the shared token secret shows below: tokens minted on one are used on another).
    expect((await check.query('SELECT count(*)::int AS n FROM cluster_instances')).rows[0].n).toBe(3);
    await check.end();
    [a, b] = servers as [SpawnedServer, SpawnedServer];
    const third = servers[2] as SpawnedServer;
    await third.stop();
  });

  /** A visitor with a conversation and a socket on instance A, an agent with a socket on instance B. */
  async function acrossInstances(name: string) {
    const onA = client(a);
    const onB = client(b);
    const v = await onA.visitorWithConversation({ name });
    const agent = await onB.agentToken();
    const visitorSocket = track(await connect(a.baseUrl, v.token));
    const agentSocket = track(await connect(b.baseUrl, agent));
    return { onA, onB, v, agent, visitorSocket, agentSocket };
  }

  it('a visitor on A and an agent on B: messages, receipts and typing both ways', async () => {
    const { onA, onB, v, agent, visitorSocket, agentSocket } = await acrossInstances('Robin');

    const sent = await onA.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'hello from A', clientMessageId: 'mi-1' } });
    expect(sent.status).toBe(201);
    const toAgent = await agentSocket.next((f) => f.type === 'message.created');
    expect(toAgent).toMatchObject({ conversationId: v.conversationId, seq: 1, message: { body: 'hello from A', clientMessageId: 'mi-1', senderType: 'visitor' } });

    const reply = await onB.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent, body: { body: 'hi from B' } });
    expect(reply.status).toBe(201);
    const toVisitor = await visitorSocket.next((f) => f.type === 'message.created' && f.message.senderType === 'agent');
    expect(toVisitor).toMatchObject({ seq: 2, message: { body: 'hi from B', senderType: 'agent' } });

    // Receipts: the visitor reads on A, the agent on B hears it; and back.
    await onA.call('POST', `/chat/conversations/${v.conversationId}/messages/${reply.body.data.message.messageId}/read`, { token: v.token });
    expect(await agentSocket.next((f) => f.type === 'receipt')).toMatchObject({ conversationId: v.conversationId, kind: 'read', upToSeq: 2, by: 'visitor' });
    await onB.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages/${sent.body.data.message.messageId}/read`, { token: agent });
    expect(await visitorSocket.next((f) => f.type === 'receipt')).toMatchObject({ kind: 'read', upToSeq: 1, by: 'agent' });

    // Typing, both ways, and its end when the sender sends a message through the other instance.
    visitorSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await agentSocket.next((f) => f.type === 'typing')).toMatchObject({ conversationId: v.conversationId, by: 'visitor', typing: true });
    agentSocket.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    expect(await visitorSocket.next((f) => f.type === 'typing')).toMatchObject({ by: 'agent', typing: true });
    // The agent's message is sent on A, its indicator lives on B: B ends it.
    await client(a).call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent, body: { body: 'sent on A' } });
    expect(await visitorSocket.next((f) => f.type === 'typing')).toMatchObject({ by: 'agent', typing: false });
  });

  it("a call across instances: call.updated, signaling both ways, and no drop while each party's socket is on another instance", async () => {
    const { onA, onB, v, agent, visitorSocket, agentSocket } = await acrossInstances('Casey');
    const isCall = (status: string) => (f: ServerFrame) => f.type === 'call.updated' && f.call.status === status;

    const created = await onA.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'audio' } });
    const callId = created.body.data.callSession.id as string;
    await agentSocket.next(isCall('started'));
    expect((await onB.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: agent })).status).toBe(200);
    await visitorSocket.next(isCall('answered'));

    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: `v=0 offer ${'a=x\r\n'.repeat(2000)}` } });
    const offer = await agentSocket.next((f) => f.type === 'call.signal');
    expect(offer).toMatchObject({ callId, from: 'visitor', signal: { kind: 'offer' } });
    // A real SDP is bigger than a NOTIFY payload may be: it travels as a stored frame.
    expect(JSON.stringify(offer).length).toBeGreaterThan(8000);
    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'v=0 answer' } });
    expect(await visitorSocket.next((f) => f.type === 'call.signal')).toEqual({ type: 'call.signal', callId, from: 'agent', signal: { kind: 'answer', sdp: 'v=0 answer' } });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < 5; i++) agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'candidate', candidate: { ...candidate, candidate: `${candidate.candidate} ${i}` } } });
    for (let i = 0; i < 5; i++) {
      // In order: an offer's candidates never overtake each other across instances.
      expect(await visitorSocket.next((f) => f.type === 'call.signal')).toMatchObject({ signal: { candidate: { candidate: `${candidate.candidate} ${i}` } } });
    }

    // The drop grace runs where the call was answered (B); the visitor's socket is on A. Past
    // twice the grace the call still runs: B counts sockets of every instance. (Waiting is the
    // only way to see that an end did NOT come; the end itself is awaited below.)
    await new Promise((resolve) => setTimeout(resolve, DROP_GRACE_MS * 2.5));
    const still = await onA.call('GET', `/calls/sessions/${callId}`, { token: v.token });
    expect(still.body.data.callSession.status).toBe('answered');

    // The visitor's socket on A closes: B's grace starts from A's word and ends the call.
    visitorSocket.close();
    const ended = (await agentSocket.next(isCall('ended'))) as Extract<ServerFrame, { type: 'call.updated' }>;
    expect(ended.call).toMatchObject({ id: callId, endReason: 'connection_lost' });
  });

  it('A is killed with SIGKILL: the runtime fails over to B through the balancer and resumes with nothing lost or doubled', async () => {
    proxy = await startProxy(a.port);
    const balancer = proxy;
    const agent = await client(b).agentToken();
    const agentSocket = track(await connect(b.baseUrl, agent));
    // Every frame the runtime's sockets receive, by socket (numbered in opening order).
    const visitorFrames: Array<{ socket: number; frame: ServerFrame }> = [];
    let opened = 0;
    class RecordingSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        const socket = opened++;
        this.on('message', (data: WebSocket.RawData) => visitorFrames.push({ socket, frame: JSON.parse(String(data)) as ServerFrame }));
      }
    }
    runtime = createRuntime({ baseUrl: `${balancer.origin}/api`, slug: a.slug, WebSocket: RecordingSocket, storage: createMemoryStorage() });
    await runtime.start();
    const rt = runtime;
    const sent: string[] = [];
    const say = async (body: string) => {
      sent.push(body);
      await rt.conversation.send(body);
    };
    await say('f-visitor-00');
    await vi.waitFor(() => expect(rt.conversation.messages.value[0]?.seq).toBe(1), { timeout: 15_000 });
    const conversationId = rt.conversation.id.value!;
    const agentSays = async (body: string) => {
      sent.push(body);
      const res = await client(b).call('POST', `/agent-sdk/conversations/${conversationId}/messages`, { token: agent, body: { body, clientMessageId: body } });
      expect(res.status).toBe(201);
    };
    for (let n = 1; n <= 5; n++) await say(`f-visitor-0${n}`);
    await agentSays('f-agent-01');
    await vi.waitFor(() => expect(rt.conversation.messages.value.filter((m) => m.seq !== undefined)).toHaveLength(7), { timeout: 15_000 });

    // A dies mid-burst (sends queued, some in flight); the balancer notices (its next
    // connections go to B), as nginx marks an upstream down.
    let afterKill = Number.POSITIVE_INFINITY;
    const kill = async () => {
      a.child.kill('SIGKILL');
      expect((await a.exited).signal).toBe('SIGKILL');
      afterKill = opened;
      balancer.retarget(b.port);
      balancer.reset();
    };
    for (let n = 6; n <= 20; n++) {
      await say(`f-visitor-${String(n).padStart(2, '0')}`);
      if (n === 8) await kill();
      // A person's pace, so the burst spans the kill.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The runtime is back on a socket to B before the agent speaks: B must deliver to it live.
    await vi.waitFor(() => expect(opened > afterKill && rt.status.value === 'connected').toBe(true), { timeout: 30_000 });
    await agentSays('f-agent-02');
    await agentSays('f-agent-03');
    const live = (body: string) =>
      visitorFrames.some(({ socket, frame }) => socket >= afterKill && frame.type === 'message.created' && frame.message.body === body);
    await vi.waitFor(() => expect(['f-agent-02', 'f-agent-03'].filter(live)).toEqual(['f-agent-02', 'f-agent-03']), { timeout: 15_000 });

    await vi.waitFor(
      () => {
        const shown = rt.conversation.messages.value;
        expect(shown.filter((m) => m.seq !== undefined)).toHaveLength(sent.length);
      },
      { timeout: 60_000, interval: 200 },
    );
    const shown = rt.conversation.messages.value;
    const bodies = shown.map((m) => m.body);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect([...bodies].sort()).toEqual([...sent].sort());
    const seqs = shown.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: sent.length }, (_, i) => i + 1));
    // The server holds each once too.
    const history = await client(b).call('GET', `/agent-sdk/conversations/${conversationId}/messages?limit=100`, { token: agent });
    expect((history.body.data.messages as Array<{ body: string }>).map((m) => m.body).sort()).toEqual([...sent].sort());
    // And the agent on B heard the visitor's sends made after the failover, live.
    expect(await agentSocket.next((f) => f.type === 'message.created' && f.message.body === 'f-visitor-20')).toMatchObject({ conversationId });
  }, 120_000);
});
