/**
 * Message formatting as VDOM nodes, never HTML strings: server and visitor text can only ever
 * become text nodes, `<strong>`, `<code>`, `<br>` and `<a>` with an http/https/mailto `href`.
 *
 * Supported: `**bold**`, `` `code` ``, `[label](https://…)`, bare `https://…`/`mailto:…` links,
 * line breaks. Anything else (HTML, other schemes like `javascript:`) stays literal text.
 *
 * Shared by the widget and the agent console (one formatter, so both sides show a message the
 * same way); it sits next to the loader, outside `app/`, and needs only `preact`.
 */
import { h, type ComponentChildren } from 'preact';

/** Schemes a link may use. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

// One pass finds the leftmost of: `code`, **bold**, [label](url), a bare link.
const INLINE = /`([^`\n]+)`|\*\*(.+?)\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)|\b((?:https?:\/\/|mailto:)[^\s<>"'`]+)/g;
// Sentence punctuation right after a bare link is not part of it.
const TRAILING = /[.,;:!?)\]]+$/;

/** The URL as an `href` when its scheme is allowed, else `null`. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const link = (href: string, label: ComponentChildren): ComponentChildren =>
  h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, label);

/** Formats one line (no `\n`); `bold` is false inside bold so it does not nest. */
function inline(text: string, bold = true): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const [whole, code, strong, label, target, bare] = m;
    const start = m.index;
    let end = start + whole.length;
    let node: ComponentChildren;
    if (code !== undefined) node = h('code', null, code);
    else if (strong !== undefined) node = bold ? h('strong', null, inline(strong, false)) : null;
    else if (label !== undefined) {
      const href = safeHref(target!);
      node = href ? link(href, label) : null;
    } else {
      const url = bare!.replace(TRAILING, '');
      const href = safeHref(url);
      end = start + url.length;
      node = href ? link(href, url) : null;
    }
    // Not formattable (bold inside bold, a refused scheme): leave it as plain text.
    if (node === null) continue;
    if (start > last) out.push(text.slice(last, start));
    out.push(node);
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * Formats a message body into Preact children.
 * @example formatMessage('See **https://acme.test/faq**\nThanks') // strong > a, br, "Thanks"
 */
export function formatMessage(body: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  body.split(/\r?\n/).forEach((line, i) => {
    if (i > 0) out.push(h('br', null));
    out.push(...inline(line));
  });
  return out;
}

// One formatter per language and style: building an `Intl.DateTimeFormat` is slow, using one is not.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang + JSON.stringify(options);
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.DateTimeFormat(lang, options)));
  return format;
}

/** `''` for a missing or unreadable timestamp, else the formatted date. */
const when = (iso: string | undefined, lang: string, options: Intl.DateTimeFormatOptions): string => {
  const date = new Date(iso ?? NaN);
  return Number.isNaN(date.getTime()) ? '' : dateFormat(lang, options).format(date);
};

/**
 * A message's time of day in the widget's language (`Intl`, so `14:05`, `2:05 PM`, `١٤:٠٥`).
 * @example formatTime('2025-01-31T14:05:00Z', 'en') // '02:05 PM' (in the visitor's time zone)
 */
export const formatTime = (iso: string | undefined, lang: string): string => when(iso, lang, { hour: '2-digit', minute: '2-digit' });

/**
 * A date with its time, for lists of conversations.
 * @example formatDateTime('2025-01-31T14:05:00Z', 'es') // '31 ene 2025, 14:05'
 */
export const formatDateTime = (iso: string | undefined, lang: string): string => when(iso, lang, { dateStyle: 'medium', timeStyle: 'short' });

// Only file messages need it (a chunk of the widget app loads it), so it has a file of its own.
export { attachmentUrl } from './attachment-url.ts';
