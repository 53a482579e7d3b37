/**
 * Pending files kept in storage for a later page load (attachments.ts, "Reloads"): each Blob as
 * `upload:<key>`, listed under `uploads` (the facade reads only that key to learn whether there
 * is anything to resume).
 *
 * The index is shared by the site's tabs. Every read-modify-write of it holds the Web Lock
 * `ringnity:uploads`, so two tabs never write from stale reads (without Web Locks, only one
 * tab's own writes are in order). Writes are ordered so a crash between two of them leaves no
 * Blob unlisted (it would never be resumed nor counted against the cap): `keep` lists the file
 * before storing its Blob, `forget` deletes the Blob before unlisting it, and `list` drops
 * entries whose Blob is missing.
 */
import { exclusive, type LockManagerLike } from '../lib/locks.ts';
import type { Logger } from '../lib/log.ts';
import type { RuntimeStorage } from '../types.ts';
import { KEPT_FILE as FILE, KEPT_INDEX as INDEX, OUTBOX_LIST } from './keys.ts';

/** What the index keeps of a pending file; the Blob itself is under `upload:<key>`. */
export interface Kept {
  key: string;
  name: string;
  sentAt: string;
  size: number;
  /** The visitor who sent it: a page of another visitor (after a logout) never uploads it. */
  visitor?: string;
  /** The machinery (one per tab) that uploads it: another one that finds it changed lets go. */
  owner?: string;
}

export interface KeptFilesOptions {
  storage: RuntimeStorage;
  log: Logger;
  /** Most bytes kept. */
  keepBytes: number;
  /** This machinery's id, stored as the `owner` of what it keeps or claims. */
  me: string;
  locks?: LockManagerLike;
  /** Keys whose message the server has: their files are done. */
  confirmed: ReadonlySet<string>;
  /** Kept files older than this are dropped, in ms. */
  maxAgeMs: number;
}

export interface KeptFiles {
  /** Keeps `file` and resolves `true`, unless the kept files would pass the byte cap (it then uploads from this page alone). */
  keep(entry: Omit<Kept, 'size' | 'owner'>, file: Blob): Promise<boolean>;
  forget(key: string): Promise<unknown>;
  /** The kept files, after dropping those too old, without their Blob, or done (confirmed, or their message in the outbox). */
  list(): Promise<Kept[]>;
  /** Makes the kept file `key` this machinery's and returns its Blob; `undefined` (and forgotten when done) when it is no longer to upload. */
  claim(key: string): Promise<Blob | undefined>;
  /** Whether `key` is still kept as this machinery's (not cancelled or taken over by another tab). */
  ours(key: string): Promise<boolean>;
}

const WRITE = 'ringnity:uploads';
// Without Web Locks another tab may be between listing a file and storing its Blob: a Blob-less
// entry is dropped only once it is this old.
const SETTLING = 60_000;

export function createKeptFiles({ storage, log, keepBytes, me, locks, confirmed, maxAgeMs }: KeptFilesOptions): KeptFiles {
  // One step at a time within this tab too (a lock request does not order them by itself).
  let writing: Promise<unknown> = Promise.resolve();
  const step = <T>(run: () => Promise<T>, otherwise: T): Promise<T> => {
    const next = writing.then(() => exclusive(locks, WRITE, run)).catch((e: unknown) => (log('uploads: storage', e), otherwise));
    writing = next;
    return next;
  };
  const index = async () => (await storage.get<Kept[]>(INDEX)) ?? [];
  const queued = async () => new Set((await storage.get<Array<{ clientMessageId?: string }>>(OUTBOX_LIST))?.map((s) => s.clientMessageId));
  const remove = async (list: Kept[], keys: ReadonlySet<string>) => {
    if (!keys.size) return list;
    for (const key of keys) await storage.del(FILE + key);
    const rest = list.filter((k) => !keys.has(k.key));
    await storage.set(INDEX, rest);
    return rest;
  };
  const age = (k: Kept) => Date.now() - Date.parse(k.sentAt);

  return {
    keep: ({ key, name, sentAt, visitor }, file) =>
      step(async () => {
        const list = await index();
        if (list.reduce((n, k) => n + k.size, 0) + file.size > keepBytes) return (log('uploads: over the kept bytes', keepBytes), false);
        await storage.set(INDEX, [...list.filter((k) => k.key !== key), { key, name, sentAt, size: file.size, visitor, owner: me }]);
        await storage.set(FILE + key, file);
        return true;
      }, false),
    forget: (key) =>
      step(async () => {
        await storage.del(FILE + key);
        const list = await index();
        if (list.some((k) => k.key === key)) await storage.set(INDEX, list.filter((k) => k.key !== key));
      }, undefined),
    list: () =>
      step(async () => {
        const list = await index();
        const inOutbox = await queued();
        const drop = new Set<string>();
        for (const k of list) {
          const done = confirmed.has(k.key) || inOutbox.has(k.key) || age(k) > maxAgeMs || Number.isNaN(age(k));
          if (done || ((locks || age(k) > SETTLING) && !(await storage.get<Blob>(FILE + k.key)))) drop.add(k.key);
        }
        return remove(list, drop);
      }, []),
    claim: (key) =>
      step(async () => {
        const list = await index();
        const found = list.find((k) => k.key === key);
        if (!found) return undefined;
        const file = await storage.get<Blob>(FILE + key);
        if (!file || confirmed.has(key) || (await queued()).has(key)) return void (await remove(list, new Set([key])));
        if (found.owner !== me) await storage.set(INDEX, list.map((k) => (k.key === key ? { ...k, owner: me } : k)));
        return file;
      }, undefined),
    // Storage that cannot be read says nothing against it: the upload goes on.
    ours: (key) => index().then((list) => list.some((k) => k.key === key && k.owner === me), () => true),
  };
}
