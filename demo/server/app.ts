/**
 * The reference server: database, HTTP (Hono on node:http) and the realtime socket on the
 * same port. `createServer` resolves once it is listening; `close()` shuts down gracefully.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { SdkToken } from '../../src/contract/extensions.ts';
import { CLOSE_CODES } from '../../src/contract/extensions.ts';
import { loadTokenSecret } from './auth/secret.ts';
import { createTokenService } from './auth/tokens.ts';
import { type ServerConfig, defaultConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import type { Deps } from './http/context.ts';
import { createApi } from './http/api.ts';
import { createLogger } from './log.ts';
import { createHub } from './realtime/hub.ts';
import { createRealtime } from './realtime/socket.ts';
import { createTypingRelay } from './realtime/typing.ts';
import { createAttachmentLinkService } from './attachments/links.ts';
import { createUploadStorage } from './attachments/storage.ts';
import { demoAllowedOrigins, seedDemo } from './seed.ts';
import { AGENT_SCOPES } from './store/agents.ts';

export interface RunningServer {
  /** The port it listens on (the real one when 0 was asked for). */
  port: number;
  /** `http://HOST:PORT` */
  url: string;
  /** The token secret in use (tests sign edge-case tokens with it). */
  tokenSecret: string;
  /** Stops accepting, closes sockets with 1012, waits for requests to end, closes the database. */
  close(): Promise<void>;
}

/** Starts the server; options override {@link defaultConfig}. */
export async function createServer(options: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const defaults = defaultConfig();
  const config: ServerConfig = {
    ...defaults,
    ...options,
    demoTenantSettings: { ...defaults.demoTenantSettings, ...options.demoTenantSettings },
  };
  const log = createLogger(config.log);
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const tokenSecret = await loadTokenSecret(db, config.tokenSecret);
  const tokens = createTokenService(tokenSecret);
  const hub = createHub();
  const typing = createTypingRelay({
    throttleMs: config.typingThrottleMs,
    timeoutMs: config.typingTimeoutMs,
    deliver: (to, frame) => (to.role === 'agent' ? hub.toAgents(to.tenantId, frame) : hub.toVisitor(to.tenantId, to.visitorId, frame)),
  });
  const deps: Deps = {
    db,
    tokens,
    hub,
    config,
    log,
    links: createAttachmentLinkService(tokenSecret, config.attachmentUrlTtlSeconds),
    uploads: createUploadStorage(config.uploadDir),
    typing,
    async issueAgentToken(tenant, agent, ttlSeconds): Promise<SdkToken> {
      const issued = await tokens.sign({ typ: 'agent', tid: tenant.id, sub: agent.id, scopes: AGENT_SCOPES }, ttlSeconds);
      return { token: issued.token, tokenType: 'Bearer', expiresIn: issued.expiresIn, expiresAt: issued.expiresAt, scopes: AGENT_SCOPES };
    },
  };

  let markReady: () => void = () => undefined;
  let markFailed: (error: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => undefined);

  const app = createApi(deps, ready);
  const server = createHttpServer(getRequestListener(app.fetch));
  const realtime = createRealtime(deps);
  server.on('upgrade', (request, socket, head) => realtime.handleUpgrade(request, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  try {
    await seedDemo(db, {
      allowedOrigins: demoAllowedOrigins(port, config.extraAllowedOrigins),
      serverApiKey: config.demoServerApiKey,
      settings: config.demoTenantSettings,
    });
    markReady();
  } catch (error) {
    markFailed(error);
    server.close();
    await db.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    tokenSecret,
    close() {
      closing ??= (async () => {
        realtime.close(CLOSE_CODES.serviceRestart, 'Server restarting');
        typing.dispose();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests still running get a moment to finish, then their connections are cut.
        const grace = setTimeout(() => server.closeAllConnections(), 2000);
        await stopped;
        clearTimeout(grace);
        await db.close();
      })();
      return closing;
    },
  };
}
