/**
 * One static file as HTTP (issue 9 item 8): read, hashed and compressed once (kept in memory
 * until the file's mtime or size changes, never per request), answered in the coding the request
 * accepts with a strong `ETag` per coding, `304` for a matching `If-None-Match`, and the
 * `Cache-Control` its kind earns (see {@link CachePolicy}).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Context } from 'hono';
import { type Coding, compress, isCompressible, pickCoding } from './compress.ts';

/**
 * How long a browser may keep a file without asking:
 * - `immutable`: the name carries a content hash, so a new build is a new URL: a year, never revalidated;
 * - `revalidate`: asked every time (`no-cache`); the ETag turns an unchanged file into a bodiless 304;
 * - a number: that many seconds, then revalidated (the loader: see static.ts).
 */
export type CachePolicy = 'immutable' | 'revalidate' | number;

export function cacheControl(policy: CachePolicy): string {
  if (policy === 'immutable') return 'public, max-age=31536000, immutable';
  if (policy === 'revalidate') return 'no-cache';
  return `public, max-age=${policy}`;
}

/** Bytes as a `Response` body takes them (never a view on a shared buffer). */
type Bytes = Uint8Array<ArrayBuffer>;

interface Cached {
  mtimeMs: number;
  size: number;
  body: Bytes;
  /** Content hash: the identity ETag, and the stem of the coded ones. */
  tag: string;
  /** Compressed bodies by coding, made on first request; undefined when not smaller. */
  coded: Map<Coding, Promise<Bytes | undefined>>;
}

/** Files kept at most (bytes of identity bodies); the oldest go first. `dist/` is far smaller. */
const MAX_CACHED_BYTES = 64 * 1024 * 1024;
/** A file larger than this is served as read, never kept nor compressed. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const cache = new Map<string, Cached>();
let cachedBytes = 0;

function remember(file: string, entry: Cached): void {
  const old = cache.get(file);
  if (old) cachedBytes -= old.size;
  cache.delete(file);
  cache.set(file, entry);
  cachedBytes += entry.size;
  for (const [key, value] of cache) {
    if (cachedBytes <= MAX_CACHED_BYTES) break;
    cache.delete(key);
    cachedBytes -= value.size;
  }
}

/** The file as last read, read again when it changed on disk; undefined when it is not a file. */
export async function loadStaticFile(file: string): Promise<Cached | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
  const body = await readFile(file).catch(() => undefined);
  if (!body) return undefined;
  const entry: Cached = {
    mtimeMs: info.mtimeMs,
    size: body.byteLength,
    body: new Uint8Array(body),
    tag: createHash('sha256').update(body).digest('base64url').slice(0, 27),
    coded: new Map(),
  };
  // A size that differs from stat's: the file is being written (a build): serve, do not keep.
  if (body.byteLength === info.size && body.byteLength <= MAX_FILE_BYTES) remember(file, entry);
  return entry;
}

function codedBody(entry: Cached, coding: Coding): Promise<Bytes | undefined> {
  let made = entry.coded.get(coding);
  if (!made) {
    made = compress(entry.body, coding).then(
      (out) => (out.byteLength < entry.body.byteLength ? new Uint8Array(out) : undefined),
      () => undefined,
    );
    entry.coded.set(coding, made);
  }
  return made;
}

/** Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 §13.1.2 asks), or is `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

export interface StaticFileOptions {
  contentType: string;
  cache: CachePolicy;
  /** More headers (CORS, a page's CSP); they may not override the caching headers. */
  headers?: Record<string, string>;
}

/**
 * Answers `file`, or undefined when there is no such file (the caller says 404 its own way).
 */
export async function sendStaticFile(c: Context, file: string, options: StaticFileOptions): Promise<Response | undefined> {
  const entry = await loadStaticFile(file);
  if (!entry) return undefined;
  const compressible = entry.size <= MAX_FILE_BYTES && isCompressible(options.contentType, entry.size);
  const coding = compressible ? pickCoding(c.req.header('accept-encoding')) : undefined;
  const coded = coding ? await codedBody(entry, coding) : undefined;
  const etag = coded ? `"${entry.tag}-${coding}"` : `"${entry.tag}"`;
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    ...options.headers,
    ETag: etag,
    'Cache-Control': cacheControl(options.cache),
  };
  // Caches must key on Accept-Encoding even for the identity answer, or a later gzip-capable
  // client could be handed the plain body (and a plain client the brotli one).
  if (compressible) headers.Vary = 'Accept-Encoding';
  if (matchesIfNoneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
  headers['Content-Type'] = options.contentType;
  if (coded) headers['Content-Encoding'] = coding!;
  return c.body(coded ?? entry.body, 200, headers);
}
