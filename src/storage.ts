/**
 * Persistent key/value storage behind the 3-method {@link RuntimeStorage} interface: IndexedDB
 * through idb-keyval in browsers, memory elsewhere; React Native or tests pass their own.
 */
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { RuntimeStorage } from './types.ts';

/**
 * Storage in IndexedDB (database `ringnity`, object store `kv`), opened on the first call, not
 * at import. Or in a store of the caller's (an idb-keyval `createStore(…)`, or a function that
 * opens one on each use): a page that must close the connection itself (to delete the database)
 * keeps it.
 */
export function createIdbStorage(db: string | UseStore = 'ringnity', storeName = 'kv'): RuntimeStorage {
  let store: UseStore | undefined;
  const use = typeof db === 'string' ? () => (store ??= createStore(db, storeName)) : () => db;
  // What idb-keyval's get/set/del do, without them: they pull in its default store, which we
  // never use (bytes of the core's budget).
  const run = <T>(mode: IDBTransactionMode, request: (s: IDBObjectStore) => IDBRequest | IDBTransaction) =>
    use()(mode, (s) => promisifyRequest(request(s)) as Promise<T>);
  return {
    get: (key) => run('readonly', (s) => s.get(key)),
    set: (key, value) => run('readwrite', (s) => (s.put(value, key), s.transaction)),
    del: (key) => run('readwrite', (s) => (s.delete(key), s.transaction)),
  };
}

/** Storage that lives as long as the page (or the process). */
export function createMemoryStorage(): RuntimeStorage {
  const map = new Map<string, unknown>();
  return {
    // A structured clone, so callers cannot change what is stored by mutating what they got,
    // the same as with IndexedDB.
    get: async <T>(key: string) => (map.has(key) ? (structuredClone(map.get(key)) as T) : undefined),
    set: async (key, value) => void map.set(key, structuredClone(value)),
    del: async (key) => void map.delete(key),
  };
}

/** IndexedDB when the platform has it, otherwise memory. */
export const defaultStorage = (): RuntimeStorage =>
  typeof indexedDB === 'undefined' ? createMemoryStorage() : createIdbStorage();

/** Wraps `storage` so every key is prefixed with `namespace:` (one tenant's keys apart from another's). */
export const namespaced = (storage: RuntimeStorage, namespace: string): RuntimeStorage => ({
  get: (key) => storage.get(`${namespace}:${key}`),
  set: (key, value) => storage.set(`${namespace}:${key}`, value),
  del: (key) => storage.del(`${namespace}:${key}`),
});
