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

type Target = { addEventListener?(type: string, fn: () => void): void; removeEventListener?(type: string, fn: () => void): void };

/**
 * Listens to `online` on the global object and `visibilitychange` on the document when both
 * exist; returns a function that removes what was added.
 */
export function onWake(listener: () => void, onOffline?: () => void): () => void {
  const g = globalThis as Target & { document?: Target };
  const subs: Array<[Target | undefined, string, () => void]> = [
    [g, 'online', listener],
    [g, 'offline', onOffline ?? (() => undefined)],
    [g.document, 'visibilitychange', () => isPageVisible() && listener()],
  ];
  for (const [target, type, fn] of subs) target?.addEventListener?.(type, fn);
  return () => {
    for (const [target, type, fn] of subs) target?.removeEventListener?.(type, fn);
  };
}
