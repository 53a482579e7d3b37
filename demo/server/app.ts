/**
 * The reference server: database, HTTP (Hono on node:http) and the realtime socket on the
 * same port, and a second port serving uploaded files only (the files origin, extensions.md §7). `createServer` resolves once it is listening; `close()` shuts down gracefully.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { SdkToken } from '../../src/contract/extensions.ts';
import { CLOSE_CODES } from '../../src/contract/extensions.ts';
import { loadTokenSecret } from './auth/secret.ts';
import { createTokenService } from './auth/tokens.ts';
import { type ServerConfig, defaultConfig, defaultFilesPort } from './config.ts';
import { openDatabase } from './db/open.ts';
import type { Deps } from './http/context.ts';
import { createApi } from './http/api.ts';
import { createFilesApp } from './http/files-app.ts';
import { createDrain } from './http/drain.ts';
import { type RateLimitStore, createMemoryRateLimitStore } from './limits/store.ts';
import { createDatabaseRateLimitStore } from './limits/db-store.ts';
import { type LogSink, createLogger } from './log.ts';
import { type ClusterTimings, createCluster } from './cluster/setup.ts';
import { createRealtime } from './realtime/socket.ts';
import { createTypingRelay } from './realtime/typing.ts';
import { createAttachmentLinkService } from './attachments/links.ts';
import { createUploadStorage } from './attachments/storage.ts';
import { createFilesOrigin } from './attachments/files-origin.ts';
import { startUploadSweeper } from './attachments/sweep.ts';
import { demoAllowedOrigins, seedDemo } from './seed.ts';
import { AGENT_SCOPES } from './store/agents.ts';
import { createAiService } from './ai/service.ts';
import { createCallService } from './calls/service.ts';
import type { Database } from './db/database.ts';

function listen(server: ReturnType<typeof createHttpServer>, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface RunningServer {
  /** The port it listens on (the real one when 0 was asked for). */
  port: number;
  /** `http://HOST:PORT` */
  url: string;
  /** The port of the files listener, which serves uploaded files and nothing else (extensions.md §7). */
  filesPort: number;
  /** The files origin a client that calls the API on `apiOrigin` is sent to (default: the server's own). */
  filesOrigin(apiOrigin?: string): string;
  /** The token secret in use (tests sign edge-case tokens with it). */
  tokenSecret: string;
  /**
   * Stops accepting, closes sockets with 1012, lets running requests finish (at most
   * `shutdownGraceMs`, then cuts their connections), closes the database.
   */
  close(): Promise<void>;
  /** Deletes the unsent uploads past their age limit now (it also runs on a timer); answers how many. */
  sweepUploads(): Promise<number>;
}

/** Parts a test or a scaled-out deployment swaps in; configuration stays plain data. */
export interface ServerServices {
  /** Where rate-limit counters live. @default the database on PostgreSQL (shared by instances), else in memory */
  rateLimitStore?: RateLimitStore;
  /** The clock (ms) that ages unsent uploads. @default Date.now */
  clock?: () => number;
  /** Where the AI's knowledge articles are read from (a test points it at an empty or broken folder). @default demo/knowledge */
  knowledgeDir?: string;
  /** Where log lines go when `config.log` is on (a test reads them). @default process.stderr */
  logSink?: LogSink;
  /** Runs after the demo seed, before the first request (a test adds a second tenant or agent). */
  afterSeed?: (db: Database) => Promise<void>;
  /** Heartbeat and reaping of the instances sharing the database (a test shortens them). */
  cluster?: ClusterTimings;
}

/** Starts the server; options override {@link defaultConfig}. */
export async function createServer(options: Partial<ServerConfig> = {}, services: ServerServices = {}): Promise<RunningServer> {
  const defaults = defaultConfig();
  const config: ServerConfig = {
    ...defaults,
    ...options,
    // A server asked for port N (or a free one) gets its files port to match unless told otherwise.
    filesPort: options.filesPort ?? (options.port === undefined ? defaults.filesPort : defaultFilesPort(options.port)),
    demoTenantSettings: { ...defaults.demoTenantSettings, ...options.demoTenantSettings },
  };
  const log = createLogger(config.log, services.logSink);
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const tokenSecret = await loadTokenSecret(db, config.tokenSecret);
  const tokens = createTokenService(tokenSecret);
  const links = createAttachmentLinkService(tokenSecret, config.attachmentUrlTtlSeconds);
  // Realtime events go through the database (NOTIFY/LISTEN), so every instance sharing it hears them.
  const cluster = createCluster(db, { links, onError: (message, error) => log.error(message, error), ...services.cluster });
  const hub = cluster.hub;
  const typing = cluster.typing(
    createTypingRelay({
      throttleMs: config.typingThrottleMs,
      timeoutMs: config.typingTimeoutMs,
      deliver: (to, frame) => (to.role === 'agent' ? hub.toAgents(to.tenantId, frame) : hub.toVisitor(to.tenantId, to.visitorId, frame)),
    }),
  );
  await cluster.start();
  const uploads = createUploadStorage(config.uploadDir);
  const filesOrigin = createFilesOrigin(config);
  const base: Omit<Deps, 'calls'> = {
    db,
    tokens,
    hub,
    config,
    log,
    links,
    uploads,
    filesOrigin,
    typing,
    // On PostgreSQL instances may share the database: their counters are shared too.
    rateLimitStore:
      services.rateLimitStore ??
      (config.databaseUrl ? createDatabaseRateLimitStore(db, { onError: (message, error) => log.error(message, error) }) : createMemoryRateLimitStore()),
    ai: createAiService({ ...(services.knowledgeDir !== undefined ? { knowledgeDir: services.knowledgeDir } : {}), log: (message, error) => log.error(message, error) }),
    async issueAgentToken(tenant, agent, ttlSeconds): Promise<SdkToken> {
      const issued = await tokens.sign({ typ: 'agent', tid: tenant.id, sub: agent.id, scopes: AGENT_SCOPES }, ttlSeconds);
      return { token: issued.token, tokenType: 'Bearer', expiresIn: issued.expiresIn, expiresAt: issued.expiresAt, scopes: AGENT_SCOPES };
    },
  };
  const deps: Deps = { ...base, calls: createCallService(base) };

  let markReady: () => void = () => undefined;
  let markFailed: (error: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => undefined);

  const drain = createDrain();
  const app = createApi(deps, ready, drain.middleware);
  const server = createHttpServer(getRequestListener(app.fetch));
  const filesServer = createHttpServer(getRequestListener(createFilesApp(deps, ready, drain.middleware).fetch));
  const realtime = createRealtime(deps);
  server.on('upgrade', (request, socket, head) => realtime.handleUpgrade(request, socket, head));

  await listen(server, config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  try {
    await listen(filesServer, config.filesPort, config.host);
  } catch (error) {
    // The files port is taken (FILES_PORT): stop what started, say which port.
    server.close();
    await deps.calls.close();
    await cluster.close();
    await db.close();
    throw error;
  }
  filesOrigin.setPort((filesServer.address() as AddressInfo).port);
  try {
    await seedDemo(db, {
      allowedOrigins: demoAllowedOrigins(port, config.extraAllowedOrigins),
      serverApiKey: config.demoServerApiKey,
      settings: config.demoTenantSettings,
      branding: config.demoBranding,
    });
    await services.afterSeed?.(db);
    // Calls a previous run left live: missed if their ring ran out, timers re-armed otherwise.
    await deps.calls.recover();
    markReady();
  } catch (error) {
    markFailed(error);
    server.close();
    filesServer.close();
    await deps.calls.close();
    await cluster.close();
    await db.close();
    throw error;
  }

  const sweeper = startUploadSweeper({
    db,
    uploads,
    onError: (error) => log.error('sweeping unsent uploads failed', error),
    ...(services.clock ? { now: services.clock } : {}),
  });

  let closing: Promise<void> | undefined;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    port,
    url,
    filesPort: filesOrigin.port(),
    filesOrigin: (apiOrigin = url) => filesOrigin.originFor(apiOrigin),
    tokenSecret,
    sweepUploads: () => sweeper.sweep(),
    close() {
      closing ??= (async () => {
        // Synchronous up to the first await: when close() returns, no new connection is accepted.
        drain.start();
        // Before the sockets close: a party dropping now is the server stopping, not a lost connection.
        const callsStopped = deps.calls.close();
        const stopped = Promise.all([server, filesServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
        server.closeIdleConnections();
        filesServer.closeIdleConnections();
        realtime.close(CLOSE_CODES.serviceRestart, 'Server restarting');
        typing.dispose();
        sweeper.stop();
        // AI streams run detached from their requests (their sockets are closing now): stop them.
        void deps.ai.close();
        // Requests still running may finish (their answers say `Connection: close`); past the
        // grace their connections are cut, so a stalled client cannot hold the shutdown.
        let grace: NodeJS.Timeout | undefined;
        const expired = new Promise<'expired'>((resolve) => {
          grace = setTimeout(() => resolve('expired'), config.shutdownGraceMs);
        });
        const outcome = await Promise.race([Promise.all([stopped, drain.idle()]), expired]);
        clearTimeout(grace);
        if (outcome === 'expired') {
          log.info(`shutdown: cutting ${drain.inFlight()} request(s) and the sockets still open after ${config.shutdownGraceMs} ms`);
          server.closeAllConnections();
          filesServer.closeAllConnections();
          realtime.terminate();
          // A handler whose client is gone may still be inside its transaction: give it a
          // moment to end before the database goes (it is local, so this is quick).
          await Promise.race([Promise.all([stopped, drain.idle()]), delay(1000)]);
        }
        // Each stopped stream stores what it showed (marked cancelled) while the database is still
        // open; this also catches a stream a late request started during the grace.
        await deps.ai.close();
        // A call change a timer had started finishes (with its record) before the database goes.
        await callsStopped;
        await deps.calls.close();
        await cluster.close();
        await db.close();
      })();
      return closing;
    },
  };
}
