/**
 * The files origin's application (extensions.md §7): signed file links under `/attachments/`
 * and nothing else. No API, no pages, no CORS, no cookies: whatever a file manages to make a
 * browser do, it does it on an origin with nothing to steal.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from './context.ts';
import { errorHandler } from './errors.ts';
import { FILES_ROUTE } from '../attachments/files-origin.ts';
import { SAFETY_HEADERS, attachmentFileRoutes } from '../routes/attachment-files.ts';

/** `track` is the outermost middleware (graceful shutdown counts requests through it). */
export function createFilesApp(deps: Deps, ready: Promise<void>, track?: MiddlewareHandler): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(deps.log));
  if (track) app.use('*', track);
  app.use('*', async (_c, next) => {
    await ready;
    await next();
  });
  app.route(FILES_ROUTE, attachmentFileRoutes(deps));
  // Plain text, not the API's envelope: this origin has no API to name routes of.
  app.all('*', (c) => c.text('Not found', 404, { ...SAFETY_HEADERS }));
  return app;
}
