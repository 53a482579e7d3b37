/**
 * The host site the browser benches load, on its own origin (as a customer's site is): `/plain`
 * is a small article page, `/widget` the very same page plus the script tag (async, as the
 * README tells sites to paste it). Nothing else differs, so the difference is the widget's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const page = (tag: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Acme shoes</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem}</style>
</head><body>
<main id="content"><h1>Acme shoes</h1>
${'<p>Our shoes are made to last. Free delivery on orders over 50 euros, returns within 30 days, and a person to answer you every day of the week.</p>\n'.repeat(12)}</main>
${tag}
</body></html>`;

export interface HostSite {
  origin: string;
  /** The page without the widget. */
  plain: string;
  /** The same page with the script tag of the server at `serverOrigin`. */
  widget: string;
  close(): Promise<void>;
}

export async function serveHostSite(serverOrigin: () => string): Promise<HostSite> {
  const server = http.createServer((req, res) => {
    const html = req.url === '/plain' ? page('') : req.url === '/widget' ? page(`<script src="${serverOrigin()}/loader.js" data-slug="acme" async></script>`) : undefined;
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    plain: `${origin}/plain`,
    widget: `${origin}/widget`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
