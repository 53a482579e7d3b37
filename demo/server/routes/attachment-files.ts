/**
 * `GET /api/attachments/{attachmentId}?exp&sig` (extensions.md §7): serves an uploaded file to
 * whoever holds a signed, unexpired link. The type is the one found in the content; only safe
 * raster images may render inline, everything else is a download; `nosniff` and a sandboxing
 * CSP stop a browser from treating a file as a page. Single byte ranges work, so audio and
 * video can seek.
 */
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { findAttachment } from '../store/attachments.ts';
import { INLINE_TYPES } from '../attachments/sniff.ts';

/** Headers every answer of this route carries. */
export const SAFETY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Referrer-Policy': 'no-referrer',
};

export function attachmentFileRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // On every answer, errors included: a 403/404 page must not be sniffed or rendered either,
  // and the signed URL must not leak through a Referer.
  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SAFETY_HEADERS)) c.res.headers.set(name, value);
  });

  app.get('/:attachmentId', async (c) => {
    const id = c.req.param('attachmentId');
    if (!deps.links.verify(id, c.req.query('exp'), c.req.query('sig'))) {
      throw new ApiError(403, 'ATTACHMENT_LINK_INVALID', 'This attachment link is expired or not valid. Read the message again for a fresh link.');
    }
    const row = await findAttachment(deps.db, id);
    const gone = () => new ApiError(404, 'ATTACHMENT_NOT_FOUND', `The attachment ${id} was deleted.`);
    if (!row || row.deleted_at) throw gone();
    const info = await stat(deps.uploads.pathOf(row.storage_key)).catch(() => undefined);
    if (!info) throw gone();

    const inline = INLINE_TYPES.has(row.content_type);
    const headers: Record<string, string> = {
      'Content-Type': row.content_type.startsWith('text/') ? `${row.content_type}; charset=utf-8` : row.content_type,
      ...SAFETY_HEADERS,
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; ${dispositionName(row.name)}`,
      // The widget shows images on the host page's origin, not ours.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Cache-Control': 'private, max-age=3600',
      'Accept-Ranges': 'bytes',
    };
    const range = parseRange(c.req.header('range'), info.size);
    if (range === 'unsatisfiable') {
      return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${info.size}` });
    }
    const [start, end] = range ?? [0, info.size - 1];
    const stream = deps.uploads.open(row.storage_key, start, end);
    const body = Readable.toWeb(stream) as ReadableStream<Uint8Array>;
    headers['Content-Length'] = String(end - start + 1);
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
    return c.body(body, range ? 206 : 200, headers);
  });

  return app;
}

/** `filename` (ASCII fallback) and `filename*` (UTF-8), quoted safely. */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // RFC 5987 attr-chars exclude '()* too, which encodeURIComponent leaves alone.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `filename="${ascii}"; filename*=UTF-8''${encoded}`;
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
