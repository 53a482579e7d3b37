/**
 * The reference server's own origin (extensions.md §15). The call page a call link opens is
 * served by this server, so its requests come from the server's own origin, which a tenant's
 * allowlist need not name (another tenant, the demo reached by a LAN address on a phone).
 * Only call-scoped sessions get this exception; everything else keeps the allowlist.
 */

/**
 * Whether `origin` names the host the request was sent to (its `Host` header). Hosts are
 * compared, not schemes, so a proxy that ends TLS in front of the server changes nothing.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return url.host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}
