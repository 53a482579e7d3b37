/**
 * Content-Security-Policy header values built from data: each directive with its list of
 * sources, joined once. Adding a source to one directive cannot reach into another (no string
 * `.replace` on a finished policy), and a source that would end its directive or start a
 * policy of its own is refused.
 */

/** A source as the header may carry it: one token, no `;` (ends a directive), no `,` (starts another policy). */
const SOURCE = /^[^\s;,]+$/;

/**
 * A policy as data: directive name → its sources, written in this order. `false` and `undefined`
 * sources are left out (an origin that is not configured); a repeated source is written once.
 * A directive with no sources at all is written alone (`sandbox`).
 */
export type CspDirectives = Readonly<Record<string, readonly (string | false | undefined)[]>>;

/**
 * The header value for `directives`.
 * @throws Error when a source is not one CSP token: a bug in the caller (tenant input is
 *   checked before it gets here), failed closed rather than written into the header.
 * @example cspHeader({ 'default-src': ["'self'"], 'img-src': ["'self'", filesOrigin, 'data:'] })
 * // "default-src 'self'; img-src 'self' https://files.example data:"
 */
export function cspHeader(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => {
      const list = [...new Set(sources.filter((source): source is string => typeof source === 'string' && source !== ''))];
      for (const source of [name, ...list]) {
        if (!SOURCE.test(source)) throw new Error(`Not a CSP source or directive: ${JSON.stringify(source)}`);
      }
      return list.length === 0 ? name : `${name} ${list.join(' ')}`;
    })
    .join('; ');
}
