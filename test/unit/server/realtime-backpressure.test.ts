/**
 * A socket that stops reading must not make the server buffer without end: once more than
 * 1 MiB waits to be sent, the server closes it with 4008 and the client resumes from seq.
 * Built from the real parts (database, tokens, hub, socket) minus HTTP routing, so the test
 * can publish large frames directly.
 */
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Message } from '../../../src/contract/extensions.ts';
import { createTokenService } from '../../../demo/server/auth/tokens.ts';
import { defaultConfig } from '../../../demo/server/config.ts';
import type { Database } from '../../../demo/server/db/database.ts';
import { openDatabase } from '../../../demo/server/db/open.ts';
import type { Deps } from '../../../demo/server/http/context.ts';
import { createFilesOrigin } from '../../../demo/server/attachments/files-origin.ts';
import { createLogger } from '../../../demo/server/log.ts';
import { createHub } from '../../../demo/server/realtime/hub.ts';
import { type Realtime, createRealtime } from '../../../demo/server/realtime/socket.ts';
import { createTypingRelay } from '../../../demo/server/realtime/typing.ts';
import { createAttachmentLinkService } from '../../../demo/server/attachments/links.ts';
import { createUploadStorage } from '../../../demo/server/attachments/storage.ts';
import { createMemoryRateLimitStore } from '../../../demo/server/limits/store.ts';
import { createAiService } from '../../../demo/server/ai/service.ts';
import { createCallService } from '../../../demo/server/calls/service.ts';
import { DEMO_AGENT, DEMO_TENANT_ID, seedDemo } from '../../../demo/server/seed.ts';

let db: Database;
let http: Server;
let realtime: Realtime;
let deps: Deps;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await seedDemo(db, { allowedOrigins: [], serverApiKey: 'sk_test' });
  const hub = createHub();
  const config = defaultConfig();
  const base: Omit<Deps, 'calls'> = {
    db,
    tokens: createTokenService('unit-test-secret'),
    hub,
    config,
    log: createLogger(false),
    links: createAttachmentLinkService('unit-test-secret', 3600),
    uploads: createUploadStorage(path.join(os.tmpdir(), 'ringnity-unused-uploads')),
    typing: createTypingRelay({ throttleMs: 2000, timeoutMs: 5000, deliver: (_to, frame) => hub.toAgents(DEMO_TENANT_ID, frame) }),
    rateLimitStore: createMemoryRateLimitStore(),
    filesOrigin: createFilesOrigin({ filesPort: 0 }),
    issueAgentToken: () => Promise.reject(new Error('not used')),
    // Not used by the socket: an AI with no knowledge base.
    ai: createAiService({ articles: [] }),
  };
  // Not used by this test: no call is placed.
  deps = { ...base, calls: createCallService(base) };
  realtime = createRealtime(deps);
  http = createServer();
  http.on('upgrade', (req, socket, head) => realtime.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  realtime?.close(1012, 'done');
  await new Promise((resolve) => http?.close(resolve));
  await db?.close();
});

it('closes a socket that stopped reading with 4008 instead of buffering forever', async () => {
  const { token } = await deps.tokens.sign({ typ: 'agent', tid: DEMO_TENANT_ID, sub: DEMO_AGENT.id }, 600);
  const ws = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/realtime`);
  const ready = new Promise<void>((resolve) => ws.once('message', () => resolve()));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'auth', token }));
  await ready;

  // Stop reading: the kernel buffers fill, then the server-side send buffer grows.
  const raw = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  raw.pause();
  const big: Message = {
    messageId: 'msg_big',
    conversationId: 'conv_big',
    seq: 1,
    senderType: 'visitor',
    body: 'x'.repeat(256 * 1024),
    sentAt: new Date().toISOString(),
  };
  for (let i = 0; i < 200; i++) deps.hub.messageCreated(DEMO_TENANT_ID, 'vis_nobody', { ...big, seq: i + 1 });
  raw.resume();
  expect(await closed).toBe(4008);
});
