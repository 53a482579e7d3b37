/**
 * A tiny static site for the chaos tabs: one page that loads the built runtime core
 * (`dist/core/index.js` with the `dist/shared/` chunks it imports, at once or on demand; its bare
 * imports resolved by an import map to the ESM files in node_modules, served from here too) and
 * exposes `window.chaos` for `page.evaluate`.
 *
 * The built files are read once when the site starts, so an `npm run build` elsewhere (which
 * empties `dist/`) cannot pull them from under a running scenario.
 *
 * The page starts the runtime the way the widget's starter does (widget/app/starter.ts): a
 * transient failure (offline, a 503) is retried after 1, 2, 5, 10, then every 30 s, and at once
 * on `online`; a fatal one (`runtime.error`) is not.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORE = path.join(ROOT, 'dist/core/index.js');

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>chaos tab</title>
<script type="importmap">{"imports":{"@preact/signals-core":"/vendor/signals-core.js","idb-keyval":"/vendor/idb-keyval.js"}}</script>
<script type="module" src="/chaos.js"></script>
</head><body>chaos tab</body></html>`;

// The page script (plain JS: the browser runs it as is). `?api=` is the runtime's baseUrl.
const SCRIPT = `import { createRuntime } from '/core/index.js';
const api = new URLSearchParams(location.search).get('api');
const runtime = createRuntime({ baseUrl: api, slug: 'acme' });
const RETRY_DELAYS = [1000, 2000, 5000, 10000, 30000];
let attempt = 0, timer, running = false, done = false, startFailures = 0;
let resolveStarted;
const started = new Promise((resolve) => (resolveStarted = resolve));
function run() {
  clearTimeout(timer);
  if (running || done) return;
  running = true;
  runtime.start().then(
    () => { running = false; done = true; resolveStarted(); },
    () => {
      running = false;
      startFailures++;
      if (runtime.error.value) return;
      timer = setTimeout(run, RETRY_DELAYS[Math.min(attempt++, RETRY_DELAYS.length - 1)]);
    },
  );
}
addEventListener('online', () => { attempt = 0; run(); });
run();
const messages = () => runtime.conversation.messages.value;
window.chaos = {
  runtime,
  started,
  isStarted: () => done,
  startFailures: () => startFailures,
  async send(text) { return (await runtime.conversation.send(text)).key; },
  /** Sends prefix + n for n in [from, to), one every intervalMs; resolves when all are queued. */
  async burst(prefix, from, to, intervalMs) {
    for (let n = from; n < to; n++) {
      await runtime.conversation.send(prefix + String(n).padStart(4, '0'));
      if (intervalMs) await new Promise((r) => setTimeout(r, intervalMs));
    }
  },
  shown: () => messages().map((m) => m.body),
  /** Pages in the older history a fresh page does not read at first (it shows the newest 50). */
  async loadAll() { while (runtime.conversation.hasOlder.value) await runtime.conversation.loadOlder(); },
  unconfirmed: () => messages().filter((m) => m.seq === undefined).length,
  conversationId: () => runtime.conversation.id.value,
  status: () => runtime.status.value,
};
`;

export interface ChaosSite {
  /** `http://127.0.0.1:PORT`: allow it on the test server (`allowedOrigins`). */
  origin: string;
  /** The page URL for a runtime talking to `apiBase` (e.g. the proxy's origin + `/api`). */
  pageUrl(apiBase: string): string;
  close(): Promise<void>;
}

/** Every file of `dist/<folder>`, by its path on this site (`/<folder>/<name>`). */
async function builtFiles(folder: string): Promise<Record<string, string>> {
  const dir = path.join(ROOT, 'dist', folder);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.js'));
  return Object.fromEntries(await Promise.all(names.map(async (n) => [`/${folder}/${n}`, await readFile(path.join(dir, n), 'utf8')] as const)));
}

export async function startChaosSite(): Promise<ChaosSite> {
  // A build running elsewhere may have emptied dist/ for a moment.
  await vi.waitFor(() => {
    if (!existsSync(CORE)) throw new Error(`expected ${CORE}: run npm run build`);
  }, { timeout: 90_000, interval: 500 });
  const files: Record<string, string> = {
    '/': HTML,
    '/chaos.js': SCRIPT,
    ...(await builtFiles('core')),
    ...(await builtFiles('shared')),
    '/vendor/signals-core.js': await readFile(path.join(ROOT, 'node_modules/@preact/signals-core/dist/signals-core.module.js'), 'utf8'),
    '/vendor/idb-keyval.js': await readFile(path.join(ROOT, 'node_modules/idb-keyval/dist/index.js'), 'utf8'),
  };
  const server = http.createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': body === HTML ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: (apiBase) => `${origin}/?api=${encodeURIComponent(apiBase)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
