/**
 * Only hosts this server knows may be named in `Host` (extensions.md §4). Links the server
 * hands out (attachment URLs, the files-origin redirect, call links, the chat page's CSP) are
 * built from the request's URL, which comes from `Host`; a client that forges `Host: evil.test`
 * would otherwise get a redirect to, or a signed link on, a host it controls, and a cache or
 * proxy keyed without `Host` would hand that to everyone (review finding L2). It also stops DNS
 * rebinding: a page on an attacker's name that resolves to this machine is not served.
 *
 * Known: the hosts of `PUBLIC_ORIGIN` when set; loopback names always (nothing outside the
 * machine can be reached through them); the bind address; and when bound to every interface
 * (`0.0.0.0`, `::`), this machine's own addresses, so a phone on the LAN still opens the demo
 * by IP. A DNS name other than `localhost` needs `PUBLIC_ORIGIN`. Ports are not compared: every
 * known host name is this machine (or its proxy), whatever port a client writes.
 */
import { networkInterfaces } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/** The host name of a `Host` value or an origin, lower case, IPv6 in brackets; undefined if unparsable. */
export function hostNameOf(value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Every host name this server answers to, from its configuration. */
export function knownHosts(options: { host: string; publicOrigins?: readonly string[] | undefined }): Set<string> {
  const hosts = new Set(LOOPBACK);
  for (const origin of options.publicOrigins ?? []) {
    const name = hostNameOf(origin);
    if (name) hosts.add(name);
  }
  if (WILDCARD.has(options.host)) {
    for (const address of Object.values(networkInterfaces()).flat()) {
      // Link-local IPv6 needs a zone id (`%eth0`), which no browser puts in a Host header.
      if (!address || address.scopeid) continue;
      hosts.add(address.family === 'IPv6' ? `[${address.address}]` : address.address);
    }
  } else {
    const name = hostNameOf(options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host);
    if (name) hosts.add(name);
  }
  return hosts;
}

/** Refuses a request whose `Host` names none of {@link knownHosts} with 421 and the envelope. */
export function requireKnownHost(options: { host: string; publicOrigins?: readonly string[] | undefined }): MiddlewareHandler<AppEnv> {
  const hosts = knownHosts(options);
  return async (c, next) => {
    const host = c.req.header('host');
    // HTTP/1.1 always has one; without it the URL falls back to the listening address.
    if (host !== undefined && !hosts.has(hostNameOf(host) ?? '')) {
      throw new ApiError(
        421,
        'HOST_NOT_ALLOWED',
        `This server does not answer to the host "${host.slice(0, 100)}". Set PUBLIC_ORIGIN to the origin clients use to reach it.`,
        ['host: is not one of this server\'s hosts (PUBLIC_ORIGIN, the listening address, localhost)'],
      );
    }
    await next();
  };
}
