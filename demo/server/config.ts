/**
 * Reference server configuration, read from the environment once at startup (`main.ts`).
 * Tests build a {@link ServerConfig} directly through `createServer` options instead.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AI_ROUTING_MODES, type AiRouting, type TenantSettings } from './store/tenant-settings.ts';
import { type RateLimits, defaultRateLimits, rateLimitsFromEnv } from './limits/rules.ts';
import { type IceServer, parseIceServers } from './calls/ice-servers.ts';

/** Everything the reference server needs to start. */
export interface ServerConfig {
  /** TCP port; 0 picks a free one. @default 8192 */
  port: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host: string;
  /**
   * Where PGlite keeps its data (`<dataDir>/pglite`), or `memory://` for a throwaway database.
   * Ignored when {@link databaseUrl} is set.
   * @default '.data'
   */
  dataDir: string;
  /** PostgreSQL connection string; when set, `pg` is used instead of PGlite. */
  databaseUrl?: string;
  /** HMAC secret for tokens. When unset one is generated once and kept in the database. */
  tokenSecret?: string;
  /** Lifetime of visitor session tokens in seconds. @default 900 */
  sessionTtlSeconds: number;
  /** Origins allowed for the demo tenant besides `http://localhost:PORT` and `http://127.0.0.1:PORT`. */
  extraAllowedOrigins: string[];
  /** The demo tenant's Server API key. @default DEMO_SERVER_API_KEY */
  demoServerApiKey: string;
  /** Repository root: static files are served from `dist/` and `demo/site/` under it. */
  rootDir: string;
  /** How long a new socket may take to send its auth frame. @default 10000 */
  realtimeAuthTimeoutMs: number;
  /** Interval of server-side WebSocket pings; a socket that missed the previous one is dropped. @default 25000 */
  realtimePingIntervalMs: number;
  /**
   * Open realtime sockets one visitor or agent may hold on one instance; the next is refused with
   * `RATE_LIMITED` and close 4008 (extensions.md §6). `REALTIME_MAX_SOCKETS_PER_SUBJECT`.
   * @default 20
   */
  realtimeMaxSocketsPerSubject: number;
  /** Log requests that failed with a 500 and server lifecycle events to stderr. @default true */
  log: boolean;
  /**
   * Where uploaded attachments are stored: outside every folder the server serves statically.
   * @default '.data/uploads'
   */
  uploadDir: string;
  /**
   * Port of the second listener that serves uploaded files, and nothing else (extensions.md §7):
   * a file a browser might render never runs on the API's or the pages' origin. 0 picks a free one.
   * @default {@link defaultFilesPort}: the next port after {@link port} (8193), or 0 when that is 0
   */
  filesPort: number;
  /**
   * The public origin of the files listener (`https://files.example-usercontent.com` behind a
   * proxy, ideally another registrable domain). Unset: the API request's host on {@link filesPort}.
   */
  filesOrigin?: string;
  /**
   * The origins clients reach the server by (`https://chat.example.com`, or several), from
   * `PUBLIC_ORIGIN` (a comma-separated list). A request naming another `Host` is refused
   * (`http/host-check.ts`), because links and redirects are built from it. Unset: loopback names,
   * the bind address and, when bound to every interface, this machine's addresses.
   */
  publicOrigins?: string[];
  /** How long a signed attachment URL stays valid, in seconds. @default 3600 */
  attachmentUrlTtlSeconds: number;
  /** At most one relayed `typing: true` per sender and conversation in this window. @default 2000 */
  typingThrottleMs: number;
  /** A `typing: true` not refreshed within this time is cleared with `typing: false`. @default 5000 */
  typingTimeoutMs: number;
  /** Settings of the demo tenant, written at every start; `createServer` options are merged over the defaults. */
  demoTenantSettings: Partial<TenantSettings>;
  /** Branding of the demo tenant beyond its name and colour: `theme` (`light`/`dark`; unset: the visitor's) and `locale`. */
  demoBranding: { theme?: 'light' | 'dark'; locale?: string; logoUrl?: string };
  /**
   * Token-bucket rate limits per runtime session and per client IP (extensions.md §13); `null`
   * turns one off. Loopback is not exempt.
   * @default defaultRateLimits()
   */
  rateLimits: RateLimits;
  /** Take the client IP for rate limits from the last `X-Forwarded-For` hop: only behind your own proxy. @default false */
  trustProxy: boolean;
  /**
   * On shutdown, how long requests already running may take before their connections are cut
   * and the database is closed anyway.
   * @default 5000
   */
  shutdownGraceMs: number;
  /** A call nobody answered in this time becomes `missed` / `no_answer` (extensions.md §15). @default 45000 */
  callRingTimeoutMs: number;
  /** An answered call whose visitor or agent has had no socket this long ends as `connection_lost`. @default 15000 */
  callDropGraceMs: number;
  /** Lifetime of a call link's token. @default 1800000 (30 minutes) */
  callLinkTtlMs: number;
  /** STUN/TURN servers handed to both parties of a call (`RTCIceServer[]`). @default [] (host candidates only) */
  iceServers: IceServer[];
}

/** The documented demo Server API key (a demo value: never use it outside local development). */
export const DEMO_SERVER_API_KEY = 'sk_demo_acme_0123456789abcdef';

/** Repository root, two folders above this file. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The files port that goes with an API port when none is set: the next one, or a free one for port 0. */
export function defaultFilesPort(port: number): number {
  return port === 0 ? 0 : port + 1;
}

/** Defaults for every option; {@link readEnvConfig} and tests override some. */
export function defaultConfig(): ServerConfig {
  return {
    port: 8192,
    host: '127.0.0.1',
    dataDir: path.join(REPO_ROOT, '.data'),
    sessionTtlSeconds: 900,
    extraAllowedOrigins: [],
    demoServerApiKey: DEMO_SERVER_API_KEY,
    rootDir: REPO_ROOT,
    realtimeAuthTimeoutMs: 10_000,
    realtimePingIntervalMs: 25_000,
    realtimeMaxSocketsPerSubject: 20,
    log: true,
    uploadDir: path.join(REPO_ROOT, '.data', 'uploads'),
    filesPort: defaultFilesPort(8192),
    attachmentUrlTtlSeconds: 3600,
    typingThrottleMs: 2000,
    typingTimeoutMs: 5000,
    demoBranding: {},
    demoTenantSettings: {
      maxUploadBytes: 10 * 1024 * 1024,
      editWindowSeconds: 900,
      preChatForm: 'off',
      expectedReplyMinutes: 5,
      calls: { voice: true, video: true },
    },
    rateLimits: defaultRateLimits(),
    trustProxy: false,
    shutdownGraceMs: 5000,
    callRingTimeoutMs: 45_000,
    callDropGraceMs: 15_000,
    callLinkTtlMs: 30 * 60 * 1000,
    iceServers: [],
  };
}

/**
 * Reads `PORT`, `HOST`, `DATA_DIR`, `DATABASE_URL`, `TOKEN_SECRET`, `SESSION_TTL_SECONDS`,
 * `DEMO_ALLOWED_ORIGINS`, `DEMO_SERVER_API_KEY`, `UPLOAD_DIR`, `FILES_PORT`, `FILES_ORIGIN`, `PUBLIC_ORIGIN`, `DEMO_PRE_CHAT_FORM`, `DEMO_AI_ROUTING`,
 * `DEMO_MAX_UPLOAD_BYTES`, `DEMO_EDIT_WINDOW_SECONDS`, `RATE_LIMITS`, `RATE_LIMIT_<NAME>_BURST`,
 * `RATE_LIMIT_<NAME>_PER_MINUTE`, `RATE_LIMIT_TRUST_PROXY`, `SHUTDOWN_GRACE_MS`, `CALL_RING_TIMEOUT_MS`,
 * `CALL_DROP_GRACE_MS`, `CALL_LINK_TTL_MS`, `ICE_SERVERS`, `DEMO_CALLS` (`voice,video`, `voice`, `video` or `off`).
 */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const config = defaultConfig();
  if (env.PORT) config.port = parseInteger('PORT', env.PORT, 0, 65535);
  if (env.HOST) config.host = env.HOST;
  if (env.DATA_DIR) config.dataDir = path.resolve(env.DATA_DIR);
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  if (env.TOKEN_SECRET) config.tokenSecret = checkTokenSecret(env.TOKEN_SECRET);
  if (env.SESSION_TTL_SECONDS) config.sessionTtlSeconds = parseInteger('SESSION_TTL_SECONDS', env.SESSION_TTL_SECONDS, 1, 86_400);
  if (env.DEMO_ALLOWED_ORIGINS) config.extraAllowedOrigins = splitList(env.DEMO_ALLOWED_ORIGINS);
  if (env.DEMO_SERVER_API_KEY) config.demoServerApiKey = checkServerApiKey(env.DEMO_SERVER_API_KEY);
  if (env.UPLOAD_DIR) config.uploadDir = path.resolve(env.UPLOAD_DIR);
  config.filesPort = env.FILES_PORT ? parseInteger('FILES_PORT', env.FILES_PORT, 0, 65535) : defaultFilesPort(config.port);
  if (env.FILES_ORIGIN) config.filesOrigin = parseOrigin('FILES_ORIGIN', env.FILES_ORIGIN);
  if (env.PUBLIC_ORIGIN) config.publicOrigins = splitList(env.PUBLIC_ORIGIN).map((origin) => parseOrigin('PUBLIC_ORIGIN', origin));
  if (env.DEMO_PRE_CHAT_FORM) {
    const form = env.DEMO_PRE_CHAT_FORM;
    if (form !== 'off' && form !== 'optional' && form !== 'required') {
      throw new Error(`DEMO_PRE_CHAT_FORM must be off, optional or required, got "${form}"`);
    }
    config.demoTenantSettings.preChatForm = form;
  }
  if (env.DEMO_AI_ROUTING) {
    const mode = env.DEMO_AI_ROUTING;
    if (!isAiRouting(mode)) throw new Error(`DEMO_AI_ROUTING must be one of ${AI_ROUTING_MODES.join(', ')}, got "${mode}"`);
    config.demoTenantSettings.aiRouting = mode;
  }
  if (env.DEMO_THEME) {
    if (env.DEMO_THEME !== 'light' && env.DEMO_THEME !== 'dark') throw new Error(`DEMO_THEME must be light or dark, got "${env.DEMO_THEME}"`);
    config.demoBranding.theme = env.DEMO_THEME;
  }
  if (env.DEMO_LOCALE) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(env.DEMO_LOCALE)) throw new Error(`DEMO_LOCALE must be a BCP 47 tag such as "es" or "ar", got "${env.DEMO_LOCALE}"`);
    config.demoBranding.locale = env.DEMO_LOCALE;
  }
  // An empty value means no logo.
  if (env.DEMO_LOGO_URL !== undefined) config.demoBranding.logoUrl = env.DEMO_LOGO_URL;
  if (env.DEMO_MAX_UPLOAD_BYTES) config.demoTenantSettings.maxUploadBytes = parseInteger('DEMO_MAX_UPLOAD_BYTES', env.DEMO_MAX_UPLOAD_BYTES, 1, 2 ** 31 - 1);
  if (env.DEMO_EDIT_WINDOW_SECONDS) {
    config.demoTenantSettings.editWindowSeconds = parseInteger('DEMO_EDIT_WINDOW_SECONDS', env.DEMO_EDIT_WINDOW_SECONDS, 0, 2 ** 31 - 1);
  }
  config.rateLimits = rateLimitsFromEnv(env, config.rateLimits);
  if (env.RATE_LIMIT_TRUST_PROXY) config.trustProxy = parseFlag('RATE_LIMIT_TRUST_PROXY', env.RATE_LIMIT_TRUST_PROXY);
  if (env.REALTIME_MAX_SOCKETS_PER_SUBJECT) {
    config.realtimeMaxSocketsPerSubject = parseInteger('REALTIME_MAX_SOCKETS_PER_SUBJECT', env.REALTIME_MAX_SOCKETS_PER_SUBJECT, 1, 10_000);
  }
  if (env.SHUTDOWN_GRACE_MS) config.shutdownGraceMs = parseInteger('SHUTDOWN_GRACE_MS', env.SHUTDOWN_GRACE_MS, 0, 600_000);
  if (env.CALL_RING_TIMEOUT_MS) config.callRingTimeoutMs = parseInteger('CALL_RING_TIMEOUT_MS', env.CALL_RING_TIMEOUT_MS, 1000, 600_000);
  if (env.CALL_DROP_GRACE_MS) config.callDropGraceMs = parseInteger('CALL_DROP_GRACE_MS', env.CALL_DROP_GRACE_MS, 1000, 600_000);
  if (env.CALL_LINK_TTL_MS) config.callLinkTtlMs = parseInteger('CALL_LINK_TTL_MS', env.CALL_LINK_TTL_MS, 60_000, 86_400_000);
  if (env.ICE_SERVERS) config.iceServers = parseIceServers(env.ICE_SERVERS);
  if (env.DEMO_CALLS) config.demoTenantSettings.calls = parseCalls(env.DEMO_CALLS);
  return config;
}

/** Fewest bytes of `TOKEN_SECRET`: one captured token must not allow an offline HMAC brute force. */
export const MIN_TOKEN_SECRET_BYTES = 32;

/** Refuses a `TOKEN_SECRET` shorter than {@link MIN_TOKEN_SECRET_BYTES} bytes (UTF-8). */
export function checkTokenSecret(value: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < MIN_TOKEN_SECRET_BYTES) {
    throw new Error(
      `TOKEN_SECRET must be at least ${MIN_TOKEN_SECRET_BYTES} bytes, got ${bytes}: a short secret lets one captured token be brute-forced offline into forged agent tokens. Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))" (or leave it unset to have one generated and kept in the database).`,
    );
  }
  return value;
}

/**
 * Refuses a Server API key that is not `sk_` and at least 21 more URL-safe characters: every
 * real key has that shape, so a key leaking into a browser request or a log line is recognised
 * by it (`auth/browser-secret.ts`, `redact.ts`) whatever its value.
 */
export function checkServerApiKey(value: string): string {
  if (!/^sk_[A-Za-z0-9_-]{21,}$/.test(value)) {
    throw new Error(
      `DEMO_SERVER_API_KEY must be "sk_" followed by at least 21 of A-Z a-z 0-9 _ - (24 characters or more), got ${value.length} characters that are not: the shape is how a leaked key is recognised and redacted.`,
    );
  }
  return value;
}

function parseCalls(value: string): { voice: boolean; video: boolean } {
  const words = splitList(value.toLowerCase());
  if (words.length === 1 && words[0] === 'off') return { voice: false, video: false };
  if (words.length === 0 || words.some((w) => w !== 'voice' && w !== 'video')) {
    throw new Error(`DEMO_CALLS must be "voice,video", "voice", "video" or "off", got "${value}"`);
  }
  return { voice: words.includes('voice'), video: words.includes('video') };
}

function parseFlag(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be 1 or 0 (true/false), got "${value}"`);
}

/** An `http(s)://host[:port]` origin with nothing after it. */
function parseOrigin(name: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value.replace(/\/$/, '').toLowerCase()) {
    throw new Error(`${name} must be an origin such as https://files.example.com (no path), got "${value}"`);
  }
  return url.origin;
}

function parseInteger(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const isAiRouting = (value: string): value is AiRouting => (AI_ROUTING_MODES as readonly string[]).includes(value);
