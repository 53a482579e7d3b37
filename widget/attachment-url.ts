/**
 * Which links of shared files the widget and the agent console trust (also exported by
 * `format.ts`).
 */

/**
 * The URL of a shared file as a `src`/`href`, only when it is the API's own file link: `http:` or
 * `https:`, on the API's origin, under `{apiBase}/attachments/`. Anything else a message's
 * metadata claims (a tracking pixel, a look-alike "invoice.pdf" elsewhere, `javascript:`) is
 * `null`, and the caller shows the file card without a link. Shared by the widget and the console.
 * @example attachmentUrl('https://chat.example.com/api/attachments/a1?exp=1&sig=x', 'https://chat.example.com/api') // the URL
 */
export function attachmentUrl(raw: string | undefined, apiBase: string): string | null {
  if (!raw) return null;
  try {
    const base = new URL(apiBase);
    // Normalised by the parser (`..`, `%2e%2e`, backslashes), so the prefix check below holds.
    const url = new URL(raw);
    const prefix = `${base.pathname.replace(/\/?$/, '/')}attachments/`;
    const ok =
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.origin === base.origin &&
      !url.username &&
      !url.password &&
      url.pathname.startsWith(prefix) &&
      url.pathname.length > prefix.length;
    return ok ? url.href : null;
  } catch {
    return null;
  }
}
