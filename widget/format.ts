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

// Only file messages need it (a chunk of the widget app loads it), so it has a file of its own.
export { attachmentUrl } from './attachment-url.ts';
