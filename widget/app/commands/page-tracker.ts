/**
 * Keeps the agent told which page the visitor is on: the URL and title at start, and after every
 * SPA route change (History API `pushState`/`replaceState`, back/forward, hash changes, or the
 * site's `navigate(url)`), debounced so a router's burst of calls makes one request. Sent only
 * while the runtime runs: a page view alone never creates a visitor; what changed before start
 * goes with the first send after it.
 */
import type { Runtime } from '../../../src/types.ts';
import type { PageMetadata } from '../../command/types.ts';

// Routers replace state several times per navigation: wait for them to settle.
const DEBOUNCE_MS = 300;

type Send = (metadata: Record<string, unknown>) => Promise<void>;

export interface PageTracker {
  /** Merges site attributes (and an explicit URL or title) into what the agent sees. */
  update(metadata: PageMetadata): void;
  /** The visitor is now on `url` (for routers that bypass the History API). */
  navigate(url: string): void;
  stop(): void;
}

export function trackPage(runtime: Runtime, win: Window, send: Send): PageTracker {
  const attributes: Record<string, unknown> = {};
  let url: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = '';
  let started = runtime.status.peek() !== 'idle';

  const current = () => ({ pageUrl: url ?? win.location.href, pageTitle: win.document.title, ...attributes });
  const flush = () => {
    clearTimeout(timer);
    if (!started) return;
    const metadata = current();
    const text = JSON.stringify(metadata);
    if (text === lastSent) return;
    lastSent = text;
    // A failed send is tried again with the next change (or the next reconnect).
    send(metadata).catch(() => (lastSent = ''));
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, DEBOUNCE_MS);
  };
  const onHistory = () => {
    url = undefined;
    later();
  };

  // Patch pushState/replaceState (there is no event for them); restored on stop unless
  // someone patched over us meanwhile (then theirs keeps calling ours, which does nothing).
  const history = win.history;
  const originals = { pushState: history.pushState, replaceState: history.replaceState };
  let active = true;
  const patched = (name: keyof typeof originals) =>
    function (this: History, ...args: Parameters<History['pushState']>) {
      originals[name].apply(this, args);
      if (active) onHistory();
    };
  const ours = { pushState: patched('pushState'), replaceState: patched('replaceState') };
  history.pushState = ours.pushState;
  history.replaceState = ours.replaceState;
  win.addEventListener('popstate', onHistory);
  win.addEventListener('hashchange', onHistory);
  const unsubscribe = runtime.status.subscribe((status) => {
    // Every (re)connect: the first send after start, and whatever failed while down.
    if (status === 'connected') {
      started = true;
      later();
    }
  });

  return {
    update(metadata) {
      const { url: given, ...rest } = metadata;
      if (given) url = given;
      Object.assign(attributes, rest);
      later();
    },
    navigate(next) {
      url = new URL(next, win.location.href).href;
      later();
    },
    stop() {
      active = false;
      clearTimeout(timer);
      unsubscribe();
      win.removeEventListener('popstate', onHistory);
      win.removeEventListener('hashchange', onHistory);
      if (history.pushState === ours.pushState) history.pushState = originals.pushState;
      if (history.replaceState === ours.replaceState) history.replaceState = originals.replaceState;
    },
  };
}
