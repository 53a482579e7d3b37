/**
 * Checks a realtime upgrade request passes before it becomes a socket (review finding L6): the
 * same `Host` rule as every HTTP request (421, `http/host-check.ts`) and one token from the
 * per-IP `requests` bucket (429 with `Retry-After`, `http/rate-limit.ts`), so opening sockets in
 * a loop costs what sending requests does. A refusal is an HTTP answer with the error envelope.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Deps } from '../http/context.ts';
import { ApiError, errorEnvelope } from '../http/errors.ts';
import { hostNameOf, knownHosts } from '../http/host-check.ts';
import { rateLimited } from '../http/rate-limit.ts';

/** Resolves to the refusal for `request`, or undefined when it may be upgraded. */
export type UpgradeGate = (request: IncomingMessage) => Promise<ApiError | undefined>;

export function createUpgradeGate(deps: Deps): UpgradeGate {
  const hosts = knownHosts(deps.config);
  return async (request) => {
    const host = request.headers.host;
    if (host !== undefined && !hosts.has(hostNameOf(host) ?? '')) {
      return new ApiError(
        421,
        'HOST_NOT_ALLOWED',
        `This server does not answer to the host "${host.slice(0, 100)}". Set PUBLIC_ORIGIN to the origin clients use to reach it.`,
      );
    }
    const rule = deps.config.rateLimits.requests;
    if (!rule) return undefined;
    const result = await deps.rateLimitStore.take(`requests:ip:${upgradeIp(request, deps.config.trustProxy)}`, rule);
    return result.allowed ? undefined : rateLimited('requests', rule, result.retryAfterMs);
  };
}

/** Answers a refused upgrade with its status, headers and envelope, then ends the connection. */
export function refuseUpgrade(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(errorEnvelope(error));
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...error.headers,
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${error.status} ${REASONS[error.status] ?? 'Error'}\r\n${head}\r\n${body}`);
}

const REASONS: Partial<Record<number, string>> = { 421: 'Misdirected Request', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** The peer address as `clientIp` (http/rate-limit.ts) reads it, so a socket and a request share a bucket. */
function upgradeIp(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const last = hops.at(-1);
    if (last) return normalise(last);
  }
  return normalise(request.socket.remoteAddress ?? 'unknown');
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address.toLowerCase();
}
