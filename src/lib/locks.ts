/**
 * Web Locks (`navigator.locks`), where the platform has them: the one way the tabs of a site can
 * know that another tab is gone (the browser frees a closed or crashed tab's locks at once) and
 * keep a read-modify-write of shared storage to one tab at a time. Safari before 15.4, Node and
 * some WebViews have none: callers then fall back to what one tab alone can do.
 */

/** What the runtime needs of `navigator.locks` (exclusive locks, abortable while queued). */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** `given` when passed (`null`: none), else `navigator.locks` when it exists. */
export const pageLocks = (given?: LockManagerLike | null): LockManagerLike | undefined =>
  given === undefined ? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks : given ?? undefined;

/**
 * Takes the lock `name` and holds it until the returned `release` is called. Resolves once it is
 * granted, with `undefined` when the request was aborted or refused (a sandboxed frame).
 */
export const hold = (locks: LockManagerLike, name: string, signal?: AbortSignal): Promise<(() => void) | undefined> =>
  new Promise((granted) => {
    locks
      .request(name, { signal }, () => new Promise<void>((release) => granted(release)))
      .catch(() => granted(undefined));
  });

/** Runs `fn` under the lock `name` when there are locks, else at once (one tab alone). */
export const exclusive = <T>(locks: LockManagerLike | undefined, name: string, fn: () => Promise<T>): Promise<T> => {
  if (!locks) return fn();
  let result!: T;
  return locks.request(name, {}, async () => void (result = await fn())).then(() => result);
};
