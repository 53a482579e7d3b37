/**
 * Which tenant logo the panel header may draw: `branding.logoUrl` resolved like a link against
 * the API base (so a relative `/logo.svg` names the widget's own server, behind any proxy), and
 * only when that gives an `http:`/`https:` URL. A `javascript:`, `data:`, `blob:` or unparsable
 * value draws nothing: the image is the tenant's, the page it lands on is not. Nor does an
 * `http:` logo with an `https:` API base (a deployment served over TLS): on an `https:` page it
 * would be mixed content, blocked or upgraded with a console warning; an `http:` base (a local
 * demo) allows it.
 */

/**
 * The logo's absolute URL, or `null` when there is none to draw.
 * @param value `branding.logoUrl` as bootstrap sent it (any JSON)
 * @param apiBase the API's absolute base URL (`https://chat.example.com/api`)
 */
export function logoUrl(value: unknown, apiBase: string): string | null {
  try {
    const url = new URL(value as string, `${apiBase}/`);
    return typeof value == 'string' && value && (url.protocol == 'https:' || (url.protocol == 'http:' && apiBase.startsWith('http:'))) ? url.href : null;
  } catch {
    return null;
  }
}
