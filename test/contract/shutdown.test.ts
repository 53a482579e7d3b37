/**
 * Graceful shutdown of the real server process on SIGTERM: it stops accepting at once, closes
 * sockets with 1012, lets a request already running finish (and stores what it sent), closes
 * the database and exits 0; a request that does not finish within the grace is cut, so a
 * stalled client cannot hold the shutdown, and what it half-sent is not stored.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/contract/extensions.ts';
import { connect } from './socket.ts';
import { type SpawnedServer, spawnServer } from './spawned-server.ts';
import { client } from './support.ts';

let dir: string;
let running: SpawnedServer | undefined;
const start = async (graceMs: number) => {
  running = await spawnServer({
    dataDir: path.join(dir, 'data'),
    uploadDir: path.join(dir, 'uploads'),
    env: { SHUTDOWN_GRACE_MS: String(graceMs) },
  });
  return running;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-shutdown-'));
});
afterAll(async () => {
  await running?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * A message send whose body is only half written: the server is handling it (headers read,
 * body awaited) until `finish()` sends the rest. `Expect: 100-continue` makes the server say
 * when it has read the headers, so `started` means the request is really in its hands.
 */
function halfSentMessage(server: SpawnedServer, conversationId: string, token: string, body: string) {
  const json = JSON.stringify({ body, clientMessageId: body });
  const req = request(`${server.baseUrl}/chat/visitor/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      'X-Ringnity-SDK-Session': token,
      expect: '100-continue',
    },
  });
  const half = Math.floor(json.length / 2);
  const started = new Promise<void>((resolve) => {
    req.once('continue', () => {
      req.write(json.slice(0, half), () => resolve());
    });
  });
  req.flushHeaders();
  const answer = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
  });
  answer.catch(() => undefined);
  return { started, answer, finish: () => req.end(json.slice(half)) };
}

const refusedConnection = async (server: SpawnedServer) => {
  const error = await fetch(`${server.baseUrl}/sdk/health`).then(
    () => undefined,
    (e: unknown) => e as { cause?: { code?: string } },
  );
  return error?.cause?.code;
};

it('on SIGTERM stops accepting, closes sockets with 1012, finishes the running request, then exits 0 with its data kept', async () => {
  const server = await start(30_000);
  const api = client(server);
  const v = await api.visitorWithConversation();
  const socket = await connect(server.baseUrl, v.token);
  const inFlight = halfSentMessage(server, v.conversationId, v.token, 'sent during shutdown');
  await inFlight.started;

  server.child.kill('SIGTERM');
  await server.waitFor(/SIGTERM: stopped accepting/);
  expect(await refusedConnection(server)).toBe('ECONNREFUSED');
  expect((await socket.closed).code).toBe(CLOSE_CODES.serviceRestart);
  // Still running: it waits for the request, not for the 30 s grace.
  expect(server.child.exitCode).toBeNull();

  inFlight.finish();
  const answer = await inFlight.answer;
  expect(answer.status).toBe(201);
  expect(answer.connection).toBe('close');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stdout()).toMatch(/Stopped: requests finished, database closed\./);

  const restarted = await start(30_000);
  const history = await client(restarted).call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
  expect(history.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['sent during shutdown']);
  restarted.child.kill('SIGTERM');
  expect(await restarted.exited).toEqual({ code: 0, signal: null });
}, 90_000);

it('cuts a request that does not finish within the grace, stores none of it, and still exits 0', async () => {
  const server = await start(300);
  const api = client(server);
  const v = await api.visitorWithConversation();
  const stalled = halfSentMessage(server, v.conversationId, v.token, 'never finished');
  await stalled.started;

  server.child.kill('SIGTERM');
  await expect(stalled.answer).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(await server.exited).toEqual({ code: 0, signal: null });

  const restarted = await start(300);
  const history = await client(restarted).call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
  expect(history.body.data.messages).toEqual([]);
}, 90_000);
