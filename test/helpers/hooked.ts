/**
 * Set-up that a hook opens and closes (a server, a browser world), handed to the test file as a
 * stable stand-in, so the file keeps it in a `const` at the top instead of a `let` assigned in
 * `beforeAll`, and its tests read `server.baseUrl`, `t.visitor`… as before.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export interface HookedSetup<T> {
  /** Named in the error thrown when the stand-in is read outside a test or hook. */
  name: string;
  open: () => Promise<T>;
  close: (value: T) => Promise<void> | void;
  /**
   * `'file'`: opened once in `beforeAll` and closed in `afterAll` (of the file, or of the
   * `describe` it is called in); `'test'`: a fresh one for every test (`beforeEach`/`afterEach`).
   * Either way it closes after the hooks registered later, so what a test opened on it goes first.
   * @default 'file'
   */
  per?: 'file' | 'test';
}

/**
 * Registers the hooks and answers the stand-in: reading or setting a field reaches the value
 * open right now; reading one before it opened (at import time) throws.
 */
export function hooked<T extends object>(setup: HookedSetup<T>): T {
  let value: T | undefined;
  const [before, after] = setup.per === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    value = await setup.open();
  });
  after(async () => {
    const opened = value;
    value = undefined;
    if (opened) await setup.close(opened);
  });
  const current = (): T => {
    if (!value) throw new Error(`${setup.name} is not open: read it inside a test or a hook`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(current(), key),
    set: (_target, key, next) => Reflect.set(current(), key, next),
    has: (_target, key) => Reflect.has(current(), key),
    // For `{ ...server }` (a client of another tenant on the same server).
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(current(), key),
  });
}
