/**
 * The bytes of uploaded files, in the upload folder (`UPLOAD_DIR`, default `.data/uploads`),
 * which no static route serves. File names on disk are random keys, never anything the
 * uploader sent, so a name cannot point outside the folder.
 *
 * Several instances share one folder (`UPLOAD_DIR` on a shared volume): a key written by one is
 * read by any. {@link UploadStorage} is all the server asks of storage, so an S3-compatible store
 * (keys as object names, `open` as a ranged GET, `size` as a HEAD) can stand in for the folder.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { newSecret } from '../ids.ts';

export interface UploadStorage {
  /** Writes the bytes under a new random key (all or nothing) and returns the key. */
  save(bytes: Uint8Array): Promise<string>;
  /** Reads the file, or bytes `start`..`end` (inclusive) of it. */
  open(key: string, start?: number, end?: number): Readable;
  /** Removes a stored file; a missing one is fine. */
  remove(key: string): Promise<void>;
  /** The stored file's size in bytes; undefined when it is missing. */
  size(key: string): Promise<number | undefined>;
  /**
   * The file's path (for `stat`).
   * @deprecated Only a folder has paths: use {@link UploadStorage.size}, which an object store can answer too.
   */
  pathOf(key: string): string;
}

const KEY = /^[A-Za-z0-9_-]{16,64}$/;

export function createUploadStorage(dir: string): UploadStorage {
  const fileOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`not an upload key: ${key}`);
    return path.join(dir, key);
  };
  return {
    async save(bytes) {
      await mkdir(dir, { recursive: true });
      const key = newSecret(18);
      const partial = `${fileOf(key)}.part`;
      try {
        // Written aside and renamed, so a crash never leaves half a file under a real key.
        await writeFile(partial, bytes, { flag: 'wx' });
        await rename(partial, fileOf(key));
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return key;
    },
    open(key, start, end) {
      return createReadStream(fileOf(key), { start, end });
    },
    pathOf: fileOf,
    async size(key) {
      const info = await stat(fileOf(key)).catch(() => undefined);
      return info?.isFile() ? info.size : undefined;
    },
    async remove(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}
