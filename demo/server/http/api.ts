/**
 * The Hono application: cross-cutting middleware (CORS, body limit), the `/api` routes, the
 * demo-only routes and the static files, with every API failure answered as an error envelope.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { AppEnv, Deps } from './context.ts';
import { ApiError, errorHandler, routeNotFound } from './errors.ts';
import { agentRoutes } from '../routes/agent.ts';
import { aiRoutes } from '../routes/ai.ts';
import { callRoutes } from '../routes/calls.ts';
import { demoLoginRoutes } from '../routes/demo-login.ts';
import { sdkRoutes } from '../routes/sdk.ts';
import { deviceRoutes } from '../routes/devices.ts';
import { serverApiRoutes } from '../routes/server-api.ts';
import { visitorRoutes } from '../routes/visitor.ts';
import { visitorReceiptRoutes } from '../routes/receipts.ts';
import { attachmentRedirectRoutes } from '../routes/attachment-files.ts';
import { isUploadPath } from '../routes/uploads.ts';
import { mountStatic } from '../static.ts';
import { chatPageRoutes } from '../routes/chat-page.ts';
import { refuseServerKeyFromBrowser } from '../auth/browser-secret.ts';
import { helpPages } from '../routes/help-pages.ts';
import { byIp } from './rate-limit.ts';
import { pageHeaders } from './page-headers.ts';
import { requireKnownHost } from './host-check.ts';

/** Largest JSON body; bigger ones are refused as they stream in, not after buffering. */
export const JSON_BODY_LIMIT = 64 * 1024;

/** Route prefixes (under `/api`) a widget calls from the customer's pages: the only ones with CORS. */
export const BROWSER_ROUTES = ['/sdk', '/chat', '/ai/visitor', '/calls', '/attachments'] as const;

/** Route prefixes (under `/api`) counted against the per-IP `requests` limit (extensions.md §13). */
export const LIMITED_ROUTES = ['/sdk', '/chat', '/ai/visitor', '/calls', '/agent-sdk'] as const;

/** `track` is the outermost middleware (graceful shutdown counts requests through it). */
export function createApi(deps: Deps, ready: Promise<void>, track?: MiddlewareHandler): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(deps.log));
  if (track) app.use('*', track);

  // Security headers on every answer, pages included (routes that set their own keep them).
  app.use('*', pageHeaders());
  // Links and redirects are built from the request URL, so a forged Host is refused first (L2).
  app.use('*', requireKnownHost(deps.config));
  // Requests that arrive between listen() and the end of seeding wait for it.
  app.use('*', async (_c, next) => {
    await ready;
    await next();
  });

  const limit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than the ${JSON_BODY_LIMIT / 1024} KiB limit.`);
    },
  });

  const api = new Hono<AppEnv>();
  // CORS only where a widget on the customer's site calls: the runtime routes. `/server/*` is
  // server-to-server (it carries the secret Server API key) and `/agent-sdk/*` is called by
  // the console this server serves itself, so neither answers a foreign page's preflight.
  const browserCors = cors({
    // Reflect the caller: the allowlist (with a readable error body), not CORS, refuses foreign sites.
    origin: (origin) => origin,
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'X-Ringnity-SDK-Session', 'Authorization'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
  for (const prefix of BROWSER_ROUTES) api.use(`${prefix}/*`, browserCors);
  // A Server API key from a browser is refused on every route before anything runs (extensions.md §5).
  api.use('*', refuseServerKeyFromBrowser());
  // After CORS (a browser must be able to read a 429 and its Retry-After; preflights are not
  // counted), before the body limit and the routes (a refused request is not read at all).
  // Not `/attachments/*` (signed file links a long history loads many of at once) nor
  // `/server/*` (one customer backend speaks for all its visitors).
  const perIp = byIp(deps, 'requests');
  for (const prefix of LIMITED_ROUTES) api.use(`${prefix}/*`, perIp);
  // Uploads have their own, per-tenant limit (routes/uploads.ts).
  api.use('*', (c, next) => (isUploadPath(c.req.path) ? next() : limit(c, next)));
  api.route('/sdk/devices', deviceRoutes(deps));
  api.route('/sdk', sdkRoutes(deps));
  api.route('/chat/visitor', visitorRoutes(deps));
  api.route('/chat/conversations', visitorReceiptRoutes(deps));
  api.route('/ai/visitor', aiRoutes(deps));
  api.route('/calls', callRoutes(deps));
  // File links only redirect to the files origin (http/files-app.ts); no file bytes are served here.
  api.route('/attachments', attachmentRedirectRoutes(deps));
  api.route('/agent-sdk', agentRoutes(deps));
  api.route('/server', serverApiRoutes(deps));
  api.all('*', routeNotFound);
  app.route('/api', api);

  const demo = new Hono<AppEnv>();
  // The console sign-in counts as creating a session: it also slows password guessing.
  demo.use('/agent-login', byIp(deps, 'sessions'));
  demo.use('*', limit);
  demo.route('/', demoLoginRoutes(deps));
  app.route('/demo', demo);
  // The demo shop's help centre: the pages the AI's sources link to.
  app.route('/help', helpPages(deps));

  app.route('/chat', chatPageRoutes(deps.config.rootDir, deps.db, (origin) => deps.filesOrigin.originFor(origin)));
  // The strict-CSP page names the files origin in img-src/media-src (file links redirect there).
  mountStatic(app, deps.config.rootDir, { filesOrigin: (origin) => deps.filesOrigin.originFor(origin) });
  return app;
}
