import { vi } from 'vitest';

/**
 * A stand-in page for core tests under Node: `document.visibilityState`, and the window and
 * document events the core listens to (stubbed as globals; `vi.unstubAllGlobals()` undoes it).
 */
export function fakePage(visibility: 'visible' | 'hidden' = 'visible') {
  const listeners = new Map<string, Set<(event?: unknown) => void>>();
  const add = (type: string, fn: (event?: unknown) => void) => listeners.set(type, (listeners.get(type) ?? new Set()).add(fn));
  const remove = (type: string, fn: (event?: unknown) => void) => listeners.get(type)?.delete(fn);
  const document = { visibilityState: visibility, addEventListener: add, removeEventListener: remove };
  vi.stubGlobal('document', document);
  vi.stubGlobal('addEventListener', add);
  vi.stubGlobal('removeEventListener', remove);
  const fire = (type: string, event?: unknown) => {
    for (const fn of listeners.get(type) ?? []) fn(event);
  };
  return {
    hide() {
      document.visibilityState = 'hidden';
      fire('visibilitychange');
    },
    show() {
      document.visibilityState = 'visible';
      fire('visibilitychange');
    },
    fire,
  };
}
