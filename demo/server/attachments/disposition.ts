/**
 * `Content-Disposition` for a stored file name (RFC 6266 with RFC 5987's `filename*`). The name
 * was cleaned at upload, but this does not rely on it: whatever it holds (quotes, `\`, CR/LF,
 * NUL, right-to-left overrides, `../`), the header stays one well-formed line and the name one
 * parameter, so no header can be injected and no folder named.
 */

/** Characters RFC 5987 `attr-char` allows unescaped beyond what `encodeURIComponent` keeps: none of `'()*`. */
const EXTRA_ESCAPES = /['()*]/g;

/**
 * `inline` or `attachment` with an ASCII `filename="…"` fallback (anything outside printable
 * ASCII, quotes, backslashes and slashes become `_`) and the exact name as `filename*=UTF-8''…`.
 * @example contentDisposition('attachment', 'résumé.pdf') // `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`
 */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  // Lone surrogates would make encodeURIComponent throw; they have no place in a name anyway.
  const wellFormed = name.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '_');
  const base = wellFormed.split(/[\\/]/).pop() || 'file';
  const ascii = base.replace(/[^\x20-\x7e]|["\\/]/g, '_');
  const encoded = encodeURIComponent(base).replace(EXTRA_ESCAPES, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
