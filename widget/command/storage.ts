/**
 * The widget's storage as the command API needs it: held back until consent (`consent:
 * 'required'`), and wiped by `shutdown()` (closing the page's connection, `idb.ts`, then deleting
 * the database). Loaded with the command API, never on the first screen.
 */
import { clear } from 'idb-keyval';
import { createMemoryStorage, type RuntimeStorage } from '../../src/index.ts';
import { idbStorage, takeStore } from './idb.ts';

/** Storage that can be wiped. */
export interface WipeableStorage extends RuntimeStorage {
  /** Empties the store, closes the connection and deletes the database. */
  wipe(): Promise<void>;
  /** Consent given: from now on the storage is used (until then reads find nothing and writes are refused). */
  release(): void;
}

/**
 * @param held consent is required and not given yet: the core reads its storage as soon as a
 * runtime exists (the outbox, kept uploads), and opening IndexedDB creates the database.
 */
export function createWidgetStorage(held = false): WipeableStorage {
  const base = idbStorage() ?? createMemoryStorage();
  const refused = () => Promise.reject(new Error('Expected consent before storing visitor data, received none yet.'));
  return {
    get: (key) => (held ? Promise.resolve(undefined) : base.get(key)),
    set: (key, value) => (held ? refused() : base.set(key, value)),
    del: (key) => (held ? refused() : base.del(key)),
    release() {
      held = false;
    },
    wipe: wipeStorage,
  };
}

/** Empties and deletes the widget's database (also when this page never opened it: an earlier page may have). */
export async function wipeStorage(): Promise<void> {
  const open = takeStore();
  if (open) {
    await clear(open).catch(() => undefined);
    await open('readonly', (s) => s.transaction.db.close()).catch(() => undefined);
  }
  if (typeof indexedDB != 'undefined')
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase('ringnity');
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
}

/** Removes what the widget kept in `localStorage` (`ringnity:*`: the launcher colour, the pre-chat flag). */
export function clearLocalStorage(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith('ringnity:')) localStorage.removeItem(key);
  } catch {
    // Storage blocked: nothing was written either.
  }
}
