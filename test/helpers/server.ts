/**
 * Boots the real reference server in-process for a test file: port 0, in-memory PGlite with
 * the demo seed. One server per file (`beforeAll`/`afterAll`); PGlite starts from a cached,
 * migrated template, so this takes well under a second after the first run.
 * Rate limits are off unless a test sets `rateLimits` (suites send hundreds of messages fast).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createServer } from '../../demo/server/app.ts';
import type { TenantSettings } from '../../demo/server/store/tenant-settings.ts';
import { DEMO_SERVER_API_KEY } from '../../demo/server/config.ts';
import { DEMO_PUBLIC_KEY, DEMO_TENANT_SLUG } from '../../demo/server/seed.ts';
import { type RateLimits, noRateLimits } from '../../demo/server/limits/rules.ts';
import { createMemoryRateLimitStore } from '../../demo/server/limits/store.ts';
import type { IceServer } from '../../demo/server/calls/ice-servers.ts';
import type { Database } from '../../demo/server/db/database.ts';
import { hooked } from './hooked.ts';

export interface TestServerOptions {
  /** Origins allowed for the demo tenant besides `http://localhost:PORT` and `http://127.0.0.1:PORT`. */
  allowedOrigins?: string[];
  /** Lifetime of visitor session tokens. @default 900 */
  sessionTtlSeconds?: number;
  /** How long a socket may wait before its auth frame. @default 10000 */
  realtimeAuthTimeoutMs?: number;
  /** Server-side WebSocket ping interval. @default 25000 */
  realtimePingIntervalMs?: number;
  /** Print server errors (500s) to stderr. @default true */
  log?: boolean;
  /** Messaging settings of the demo tenant (upload limit, edit window, pre-chat form, reply time). */
  tenantSettings?: Partial<TenantSettings>;
  /** The demo tenant's branding `theme` / `locale` (bootstrap). */
  branding?: { theme?: 'light' | 'dark'; locale?: string };
  /**
   * Data folder for an on-disk PGlite (restart tests); it is left in place by `close()`.
   * @default 'memory://' (a fresh in-memory database)
   */
  dataDir?: string;
  /** The demo tenant's Server API key. @default DEMO_SERVER_API_KEY */
  serverApiKey?: string;
  /** Typing relay timings. @default { throttleMs: 2000, timeoutMs: 5000 } */
  typing?: { throttleMs?: number; timeoutMs?: number };
  /**
   * Rate-limit buckets to turn on (extensions.md §13); those not named stay off.
   * @default {} (every limit off)
   * @example { messages: { burst: 3, perMinute: 20 } }
   */
  rateLimits?: Partial<RateLimits>;
  /** Clock (ms) of the rate-limit buckets, so tests move time instead of waiting. @default Date.now */
  rateLimitClock?: () => number;
  /** Rate limits key on the last `X-Forwarded-For` hop (lets a test speak from several IPs). @default false */
  trustProxy?: boolean;
  /** Clock (ms) that ages unsent uploads (extensions.md §7), so tests move time instead of waiting. @default Date.now */
  uploadClock?: () => number;
  /** How long `close()` waits for running requests before cutting them. @default 2000 */
  shutdownGraceMs?: number;
  /** The folder the AI reads its knowledge articles from (an empty or broken one tests `AI_NOT_READY`). @default demo/knowledge */
  knowledgeDir?: string;
  /** A ringing call nobody answers becomes `missed` after this (extensions.md §15). @default 45000 */
  callRingTimeoutMs?: number;
  /** An answered call whose party has had no socket this long ends as `connection_lost`. @default 15000 */
  callDropGraceMs?: number;
  /** Lifetime of call links. @default 1800000 */
  callLinkTtlMs?: number;
  /** `ICE_SERVERS` as parsed: handed out with every call. @default [] */
  iceServers?: IceServer[];
  /** Runs after the demo seed with the server's database (a second tenant, a second agent). */
  seed?: (db: Database) => Promise<void>;
  /**
   * Environment variables set only while the server is created (the AI engine reads its
   * configuration from the environment at start), then restored. Not for servers started at the
   * same time with different values.
   * @example { AI_STREAM_PIECE_DELAY_MS: '40' }
   */
  env?: Record<string, string>;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT/api` */
  baseUrl: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** The demo tenant's secret Server API key. */
  serverApiKey: string;
  /** The demo tenant's public key (`apiKey` in bootstrap/session). */
  publicKey: string;
  slug: 'acme';
  /** The HMAC secret tokens are signed with (to forge expired or odd tokens in tests). */
  tokenSecret: string;
  /** The files origin (`http://127.0.0.1:FILES_PORT`): the only place file bytes are served (extensions.md §7). */
  filesOrigin: string;
  /** The files listener's port (a random free one). */
  filesPort: number;
  /** The upload folder: a fresh temporary folder per server, removed by `close()`. */
  uploadDir: string;
  close(): Promise<void>;
  /** Runs the unsent-upload sweep now (as its timer would); answers how many uploads it deleted. */
  sweepUploads(): Promise<number>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const before = Object.entries(options.env ?? {}).map(([key]) => [key, process.env[key]] as const);
  Object.assign(process.env, options.env);
  try {
    return await start(options);
  } finally {
    for (const [key, value] of before) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function start(options: TestServerOptions): Promise<TestServer> {
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-uploads-'));
  const rateLimitStore = createMemoryRateLimitStore(options.rateLimitClock ? { now: options.rateLimitClock } : {});
  const server = await createServer({
    uploadDir,
    rateLimits: { ...noRateLimits(), ...options.rateLimits },
    trustProxy: options.trustProxy ?? false,
    shutdownGraceMs: options.shutdownGraceMs ?? 2000,
    ...(options.tenantSettings ? { demoTenantSettings: options.tenantSettings } : {}),
    ...(options.branding ? { demoBranding: options.branding } : {}),
    ...(options.typing?.throttleMs !== undefined ? { typingThrottleMs: options.typing.throttleMs } : {}),
    ...(options.typing?.timeoutMs !== undefined ? { typingTimeoutMs: options.typing.timeoutMs } : {}),
    port: 0,
    filesPort: 0,
    host: '127.0.0.1',
    dataDir: options.dataDir ?? 'memory://',
    demoServerApiKey: options.serverApiKey ?? DEMO_SERVER_API_KEY,
    log: options.log ?? true,
    extraAllowedOrigins: options.allowedOrigins ?? [],
    ...(options.sessionTtlSeconds !== undefined ? { sessionTtlSeconds: options.sessionTtlSeconds } : {}),
    ...(options.realtimeAuthTimeoutMs !== undefined ? { realtimeAuthTimeoutMs: options.realtimeAuthTimeoutMs } : {}),
    ...(options.realtimePingIntervalMs !== undefined ? { realtimePingIntervalMs: options.realtimePingIntervalMs } : {}),
    ...(options.callRingTimeoutMs !== undefined ? { callRingTimeoutMs: options.callRingTimeoutMs } : {}),
    ...(options.callDropGraceMs !== undefined ? { callDropGraceMs: options.callDropGraceMs } : {}),
    ...(options.callLinkTtlMs !== undefined ? { callLinkTtlMs: options.callLinkTtlMs } : {}),
    ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
  }, {
    rateLimitStore,
    ...(options.uploadClock ? { clock: options.uploadClock } : {}),
    ...(options.knowledgeDir !== undefined ? { knowledgeDir: options.knowledgeDir } : {}),
    ...(options.seed ? { afterSeed: options.seed } : {}),
  });
  return {
    baseUrl: `${server.url}/api`,
    origin: server.url,
    port: server.port,
    serverApiKey: options.serverApiKey ?? DEMO_SERVER_API_KEY,
    publicKey: DEMO_PUBLIC_KEY,
    slug: DEMO_TENANT_SLUG,
    tokenSecret: server.tokenSecret,
    uploadDir,
    filesOrigin: server.filesOrigin(),
    filesPort: server.filesPort,
    sweepUploads: () => server.sweepUploads(),
    async close() {
      await server.close();
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/**
 * The server for one file (or `describe`): started with `options` in `beforeAll`, closed in
 * `afterAll`, handed over as a stable stand-in ({@link hooked}). `options` may be a function,
 * called when the server starts, for options that name something an earlier `beforeAll` started.
 * @example const server = useTestServer({ log: false });
 */
export function useTestServer(options: TestServerOptions | (() => TestServerOptions) = {}): TestServer {
  return hooked({
    name: 'the test server',
    open: () => startTestServer(typeof options === 'function' ? options() : options),
    close: (server) => server.close(),
  });
}
