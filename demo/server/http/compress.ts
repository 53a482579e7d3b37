/**
 * Content coding for static files (issue 9 item 8): which coding a request accepts (`br`
 * preferred, then `gzip`), which types are worth compressing, and compressing one body. Static
 * files are compressed once and kept (`static-file.ts`), so brotli runs at its best quality.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** A coding the server can answer besides the identity. */
export type Coding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text formats (scripts, styles, pages, SVG, JSON): images and fonts are compressed already. */
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript|manifest\+json)|image\/svg\+xml)/;

/** Below this a coding saves less than its headers cost. */
const MIN_BYTES = 256;

/** Whether a body of this `Content-Type` and size is worth compressing. */
export function isCompressible(contentType: string, size: number): boolean {
  return size >= MIN_BYTES && COMPRESSIBLE.test(contentType);
}

/**
 * The coding to answer for an `Accept-Encoding` header: `br` when accepted, else `gzip`, else
 * none. Honours `;q=0` (refused) and `*` (anything not named).
 */
export function pickCoding(acceptEncoding: string | undefined): Coding | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = weight === undefined ? 1 : Number(weight.slice(2));
    if (name) q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepted = (coding: Coding) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
  if (accepted('br')) return 'br';
  if (accepted('gzip') || (q.get('x-gzip') ?? 0) > 0) return 'gzip';
  return undefined;
}

/** `body` in `coding`: brotli at its best quality (text mode), gzip at level 9. */
export async function compress(body: Uint8Array, coding: Coding): Promise<Uint8Array> {
  if (coding === 'gzip') return gzipAsync(body, { level: 9 });
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  });
}
