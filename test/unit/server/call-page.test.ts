/**
 * The call page call links open (extensions.md §15) is served from `dist/call/` like the console
 * from `dist/console/`, and never leaks where it was opened from.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppEnv } from '../../../demo/server/http/context.ts';
import { mountStatic } from '../../../demo/server/static.ts';

let root: string;
const app = new Hono<AppEnv>();

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ringnity-call-page-'));
  await mkdir(path.join(root, 'dist', 'call', 'assets'), { recursive: true });
  await writeFile(path.join(root, 'dist', 'call', 'index.html'), '<!doctype html><title>Call</title>');
  await writeFile(path.join(root, 'dist', 'call', 'assets', 'call-abc.js'), 'export {};');
  mountStatic(app, root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

it('answers /call/ and /call with the page, without a Referer for what it links to and running only its own code', async () => {
  for (const url of ['/call/', '/call']) {
    const res = await app.request(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // The fragment holds a session-granting link: no inline or foreign script, never framed.
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "connect-src 'self' ws: wss:"]) {
      expect(csp).toContain(directive);
    }
    expect(await res.text()).toContain('<title>Call</title>');
  }
});

it('serves its assets and nothing outside its folder', async () => {
  const js = await app.request('/call/assets/call-abc.js');
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect((await app.request('/call/assets/missing.js')).status).toBe(404);
  expect((await app.request('/call/..%2f..%2fpackage.json')).status).toBe(404);
});
