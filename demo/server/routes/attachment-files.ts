/**
 * Signed file links (extensions.md §7). A link in a message stays on the API
 * (`GET /api/attachments/{attachmentId}?exp&sig`, which every client already trusts), but the API
 * origin serves no file bytes: it answers 307 to the same link on the separate files origin
 * (`attachments/files-origin.ts`), which serves the file to whoever holds a signed, unexpired
 * link. The type is the one found in the content; only safe raster images may render inline,
 * everything else is a download; `nosniff` and a sandboxing CSP stop a browser from treating a
 * file as a page. Single byte ranges work, so audio and video can seek.
 */
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { findAttachment } from '../store/attachments.ts';
import { INLINE_TYPES } from '../attachments/sniff.ts';
import { FILES_ROUTE } from '../attachments/files-origin.ts';
import { contentDisposition } from '../attachments/disposition.ts';

/** Headers every answer about a file carries, errors and redirects included. */
export const SAFETY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Referrer-Policy': 'no-referrer',
};

// On every answer, errors included: a 403/404 page must not be sniffed or rendered either,
// and the signed URL must not leak through a Referer.
const withSafetyHeaders = (app: Hono<AppEnv>) =>
  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SAFETY_HEADERS)) c.res.headers.set(name, value);
  });

function checkLink(deps: Deps, id: string, exp: string | undefined, sig: string | undefined): void {
  if (!deps.links.verify(id, exp, sig)) {
    throw new ApiError(403, 'ATTACHMENT_LINK_INVALID', 'This attachment link is expired or not valid. Read the message again for a fresh link.');
  }
}

/** `/api/attachments/*` on the API origin: a checked link is sent on to the files origin, with no bytes. */
export function attachmentRedirectRoutes(deps: Deps): Hono<AppEnv> {
  const app = withSafetyHeaders(new Hono<AppEnv>());
  app.get('/:attachmentId', (c) => {
    const id = c.req.param('attachmentId');
    const exp = c.req.query('exp');
    const sig = c.req.query('sig');
    checkLink(deps, id, exp, sig);
    const files = deps.filesOrigin.originFor(new URL(c.req.url).origin);
    const target = `${files}${FILES_ROUTE}/${encodeURIComponent(id)}?exp=${exp}&sig=${encodeURIComponent(sig ?? '')}`;
    // Cached like the file: a long history re-renders its images without a round trip each.
    return c.body(null, 307, { Location: target, 'Cache-Control': 'private, max-age=3600' });
  });
  return app;
}

/** The files origin's only route: `/attachments/{attachmentId}?exp&sig`. */
export function attachmentFileRoutes(deps: Deps): Hono<AppEnv> {
  const app = withSafetyHeaders(new Hono<AppEnv>());

  app.get('/:attachmentId', async (c) => {
    const id = c.req.param('attachmentId');
    checkLink(deps, id, c.req.query('exp'), c.req.query('sig'));
    const row = await findAttachment(deps.db, id);
    const gone = () => new ApiError(404, 'ATTACHMENT_NOT_FOUND', `The attachment ${id} was deleted.`);
    if (!row || row.deleted_at) throw gone();
    const size = await deps.uploads.size(row.storage_key);
    if (size === undefined) throw gone();

    const inline = INLINE_TYPES.has(row.content_type);
    const headers: Record<string, string> = {
      'Content-Type': row.content_type.startsWith('text/') ? `${row.content_type}; charset=utf-8` : row.content_type,
      ...SAFETY_HEADERS,
      'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', row.name),
      // The widget shows images on the host page's origin, not ours.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Cache-Control': 'private, max-age=3600',
      'Accept-Ranges': 'bytes',
    };
    const range = parseRange(c.req.header('range'), size);
    if (range === 'unsatisfiable') {
      return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${size}` });
    }
    const [start, end] = range ?? [0, size - 1];
    const stream = deps.uploads.open(row.storage_key, start, end);
    const body = Readable.toWeb(stream) as ReadableStream<Uint8Array>;
    headers['Content-Length'] = String(end - start + 1);
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    return c.body(body, range ? 206 : 200, headers);
  });

  return app;
}

/** One `bytes=a-b` range (what media elements send); multi-range requests get the whole file. */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'unsatisfiable';
  return [start, end];
}
