/**
 * Uploads that no message ever used are deleted (file and row) once they are older than
 * `maxAgeMs`: otherwise the upload endpoint would be free file hosting that fills the disk.
 * Runs at start-up and then every `intervalMs`.
 */
import type { Queryable } from '../db/database.ts';
import type { UploadStorage } from './storage.ts';

/** How long an upload may wait for its message. */
export const UNSENT_UPLOAD_MAX_AGE_MS = 30 * 60 * 1000;
export const UPLOAD_SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export interface UploadSweeper {
  /** Deletes the unsent uploads older than the limit now; answers how many. */
  sweep(): Promise<number>;
  stop(): void;
}

export interface UploadSweepOptions {
  db: Queryable;
  uploads: UploadStorage;
  onError(error: unknown): void;
  /** @default Date.now */
  now?: () => number;
  /** @default UNSENT_UPLOAD_MAX_AGE_MS */
  maxAgeMs?: number;
  /** @default UPLOAD_SWEEP_INTERVAL_MS */
  intervalMs?: number;
}

export function startUploadSweeper(options: UploadSweepOptions): UploadSweeper {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? UNSENT_UPLOAD_MAX_AGE_MS;
  let running: Promise<number> | undefined;

  async function sweepOnce(): Promise<number> {
    const cutoff = new Date(now() - maxAgeMs).toISOString();
    // The row goes first: a send racing for it either claimed it already (message_id set, kept)
    // or finds it gone (ATTACHMENT_NOT_FOUND). Then the file, which nothing points at any more.
    const rows = await options.db.query<{ storage_key: string }>(
      'DELETE FROM attachments WHERE message_id IS NULL AND created_at < $1::timestamptz RETURNING storage_key',
      [cutoff],
    );
    for (const row of rows) await options.uploads.remove(row.storage_key);
    return rows.length;
  }

  const sweep = () => {
    // One sweep at a time: a slow one is joined, not doubled.
    running ??= sweepOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const runQuietly = () => void sweep().catch(options.onError);
  runQuietly();
  const timer = setInterval(runQuietly, options.intervalMs ?? UPLOAD_SWEEP_INTERVAL_MS);
  timer.unref();
  return {
    sweep,
    stop() {
      clearInterval(timer);
    },
  };
}
