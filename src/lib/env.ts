/**
 * Capability checks for browser APIs. The core also runs in Node, workers and React Native, so
 * nothing here may touch `window` or `document` unless it exists.
 */

/** True only when the platform says it is offline (`navigator.onLine === false`); unknown counts as online. */
export const isOffline = (): boolean =>
  (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;

/** True when there is no document or it is visible. */
export const isPageVisible = (): boolean =>
  (globalThis as { document?: { visibilityState?: string } }).document?.visibilityState !== 'hidden';

/** True in a browser page (a document exists), not in Node, a worker or React Native. */
export const hasDocument = (): boolean => typeof (globalThis as { document?: unknown }).document === 'object';

/** What a page tells the connection about itself; each handler is optional. */
export interface PageEvents {
  /** The device came back online, or the tab became visible: worth trying now. */
  wake?(): void;
  /** The tab became visible (`true`) or hidden (`false`). */
  visible?(visible: boolean): void;
  /** The device says it went offline. */
  offline?(): void;
  /** `pagehide`: the page is leaving (maybe into the back/forward cache). */
  hide?(): void;
  /** `pageshow` of a page restored from the back/forward cache. */
  restore?(): void;
}

type Listener = (event?: { persisted?: boolean }) => void;
type Target = { addEventListener?(type: string, fn: Listener): void; removeEventListener?(type: string, fn: Listener): void };

/**
 * Listens to `online`, `offline`, `pagehide` and `pageshow` on the global object and to
 * `visibilitychange` on the document, where they exist; returns a function that removes what
 * was added.
 */
export function onPage(handlers: PageEvents): () => void {
  const g = globalThis as Target & { document?: Target };
  const none = () => undefined;
  const subs: Array<[Target | undefined, string, Listener]> = [
    [g, 'online', () => handlers.wake?.()],
    [g, 'offline', () => handlers.offline?.()],
    [g, 'pagehide', () => handlers.hide?.()],
    [g, 'pageshow', (event) => (event?.persisted ? handlers.restore ?? none : none)()],
    [g.document, 'visibilitychange', () => (handlers.visible?.(isPageVisible()), isPageVisible() && handlers.wake?.())],
  ];
  for (const [target, type, fn] of subs) target?.addEventListener?.(type, fn);
  return () => {
    for (const [target, type, fn] of subs) target?.removeEventListener?.(type, fn);
  };
}
