/**
 * The hosted chat page's service worker (`/chat/sw.js`, scope `/chat/`): the page opens without
 * a network, and a new version waits until the visitor agrees to it (update-prompt.ts).
 *
 * - The app shell (every hashed file of `dist/chat/assets/`, and the icon) is precached at
 *   install; the build writes their list in place of the manifest placeholder below
 *   (vite.config.ts, mode `sw`), so a changed file is a changed worker, which the browser
 *   installs as an update.
 * - The page itself (`/chat/{slug}`, with the tenant's own CSP header), the tenant's public
 *   bootstrap and its logo: network first, the last good answer when offline. They are cached
 *   at activation too for every open chat page, since the page that installed the worker was
 *   not loaded through it.
 * - The hashed files of the versions before this one, for 30 days (`ringnity-chat-kept`): at
 *   install, before the activation deletes what the new manifest no longer lists, the outgoing
 *   version's files are copied there. A kept page copy still names them (a visitor closed the
 *   tab without updating, then opens it offline, and this version activates then), and so does
 *   an open tab taken over by this version, whose lazy chunks (a language, calls) are not loaded
 *   yet and are gone from the server too. At activation, when online, every kept page copy is
 *   fetched again, so it names this version's files from then on.
 * - Nothing else: `/sdk/session` and every other API answer carry or need a visitor token, and
 *   tokens live in memory only (issue 8). The socket never passes through a service worker.
 * - No `skipWaiting()` of its own: a new version takes over only when the page sends
 *   `SKIP_WAITING` (the visitor pressed "Update"), so an open chat never changes under it.
 */
import { cacheNames } from 'workbox-core';
import { precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

/** The parts of `ServiceWorkerGlobalScope` used here (the DOM lib has no worker types). */
interface WorkerScope {
  __WB_MANIFEST: PrecacheEntry[];
  location: Location;
  clients: { matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<{ url: string }[]>; claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: { waitUntil(work: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
declare const self: WorkerScope;

/** A chat page's path: `/chat/{slug}` (a slug as routes/chat-page.ts accepts it). */
const PAGE = /^\/chat\/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)$/i;
const BOOTSTRAP = '/api/sdk/bootstrap';
const ASSETS = '/chat/assets/';
const PAGES = 'ringnity-chat-pages';
/** The previous versions' hashed files (see above), each with the time it was kept. */
const KEPT = 'ringnity-chat-kept';
const KEPT_AT = 'x-ringnity-kept-at';
const KEEP_FOR = 30 * 24 * 60 * 60 * 1000;
// One copy per chat page whatever its query (`?utm_source=…`): the page reads only its path.
const byPath = { cacheKeyWillBeUsed: async ({ request }: { request: Request }) => request.url.replace(/[?#].*$/s, '') };
// A network that answers nothing (a train, a captive portal) gets the kept copy after a few
// seconds instead of never; with nothing kept yet, the network is still waited for.
const pages = new NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 4, plugins: [byPath] });
const bootstrap = new NetworkFirst({ cacheName: 'ringnity-chat-bootstrap', networkTimeoutSeconds: 4 });
const images = new NetworkFirst({ cacheName: 'ringnity-chat-images', networkTimeoutSeconds: 4 });

// This version's hashed files (the build writes the list here; read once, see keepOutgoing).
const manifest = self.__WB_MANIFEST;
precacheAndRoute(manifest);
registerRoute(({ request, url }) => request.mode === 'navigate' && url.origin === self.location.origin && PAGE.test(url.pathname), pages);
registerRoute(({ url }) => url.origin === self.location.origin && url.pathname === BOOTSTRAP, bootstrap);
registerRoute(({ request, url }) => request.destination === 'image' && isPublicImage(url), images);
// After the precache's own route: a file of this version never gets here.
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith(ASSETS),
  async ({ request }) => (await caches.match(request, { cacheName: KEPT })) ?? fetch(request),
);

/**
 * A same-origin image outside the API with no query: the tenant's logo, the icon. Signed file
 * links (the API, or a files origin of its own, always with a signature in the query) are never
 * kept: they carry a token.
 */
function isPublicImage(url: URL): boolean {
  return url.origin === self.location.origin && !url.pathname.startsWith('/api/') && !url.search;
}

/** Stores `url`'s current answer in `cacheName` (a failure leaves the previous one); answers it. */
async function keep(cacheName: string, url: string): Promise<Response | undefined> {
  const response = await fetch(url).catch(() => undefined);
  if (!response?.ok) return undefined;
  await (await caches.open(cacheName)).put(url, response.clone());
  return response;
}

/** Keeps the tenant's bootstrap and the logo it names, for `/chat/{slug}` opened offline. */
async function keepTenant(origin: string, slug: string): Promise<void> {
  const answer = await keep('ringnity-chat-bootstrap', `${origin}${BOOTSTRAP}?slug=${encodeURIComponent(slug)}`);
  const body = (await answer?.json().catch(() => undefined)) as { data?: { branding?: { logoUrl?: unknown } } } | undefined;
  const logo = body?.data?.branding?.logoUrl;
  // Resolved as the widget resolves it (widget/app/logo.ts): against the API base.
  const url = typeof logo === 'string' && logo && URL.canParse(logo, `${origin}/api/`) ? new URL(logo, `${origin}/api/`) : undefined;
  if (url && isPublicImage(url)) await keep('ringnity-chat-images', url.href);
}

/**
 * Copies the outgoing versions' hashed files (in the precache, not in this manifest) to the kept
 * cache, and forgets those kept more than 30 days ago.
 */
async function keepOutgoing(): Promise<void> {
  const current = new Set(manifest.map((entry) => new URL(typeof entry === 'string' ? entry : entry.url, self.location.href).href));
  const [precache, kept] = await Promise.all([caches.open(cacheNames.precache), caches.open(KEPT)]);
  const now = Date.now();
  for (const request of await precache.keys()) {
    if (current.has(request.url) || !new URL(request.url).pathname.startsWith(ASSETS)) continue;
    const response = await precache.match(request);
    if (!response) continue;
    const headers = new Headers(response.headers);
    headers.set(KEPT_AT, String(now));
    await kept.put(request.url, new Response(await response.blob(), { status: response.status, headers }));
  }
  for (const request of await kept.keys()) {
    const at = Number((await kept.match(request))?.headers.get(KEPT_AT));
    if (!(now - at < KEEP_FOR)) await kept.delete(request);
  }
}

self.addEventListener('install', (event) => event.waitUntil(keepOutgoing()));

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // Every kept page, not only the open ones: a closed one's copy names the previous version.
      const pages = new Set([...windows.map(({ url }) => url), ...(await (await caches.open(PAGES)).keys()).map((r) => r.url)]);
      await Promise.all(
        [...pages].flatMap((url) => {
          const page = new URL(url);
          const slug = page.origin === self.location.origin ? PAGE.exec(page.pathname)?.[1] : undefined;
          return slug ? [keep(PAGES, page.origin + page.pathname), keepTenant(page.origin, slug)] : [];
        }),
      );
      // Take the open pages only now: once a page is controlled, what it needs offline is there.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});
