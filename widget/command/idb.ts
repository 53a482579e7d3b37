/**
 * The widget's one connection to its database (IndexedDB `ringnity`, store `kv`, the same as the
 * core's default), held here rather than inside the core so that `shutdown()` (`storage.ts`, a
 * lazily loaded chunk) can close it and delete the database: a database the page still holds open
 * cannot be deleted until the page unloads. Small: it is on the widget's first screen.
 */
import { createStore, type UseStore } from 'idb-keyval';
import { createIdbStorage, type RuntimeStorage } from '../../src/index.ts';

// One per page: every widget mounted here (and its remounts) shares the database.
let store: UseStore | undefined;
const use = () => (store ??= createStore('ringnity', 'kv'));

/** Hands the open connection over (to be closed) and forgets it: the next use opens a new one. */
export function takeStore(): UseStore | undefined {
  const open = store;
  store = undefined;
  return open;
}

/** The runtime's storage through that connection; `undefined` without IndexedDB (the core then keeps it in memory). */
export const idbStorage = (): RuntimeStorage | undefined =>
  typeof indexedDB == 'undefined' ? undefined : createIdbStorage((mode, callback) => use()(mode, callback));
