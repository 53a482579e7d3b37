/**
 * One multipart upload over XMLHttpRequest: `fetch` cannot report upload progress over
 * HTTP/1.1 (a streaming request body needs HTTP/2), XHR's `upload.onprogress` can.
 */
import type { ErrorEnvelope } from '../../src/contract/extensions.ts';
import { SESSION_HEADER } from '../../src/http.ts';

/** An upload in flight. */
export interface Upload<T> {
  /**
   * Resolves with the stored attachment; rejects with an `Error` whose message can be shown
   * (with the HTTP `status` when the server refused it).
   */
  readonly done: Promise<T>;
  /** Stops the upload; `done` rejects with an `AbortError`. */
  cancel(): void;
}

export interface UploadOptions<D, T> {
  url: string;
  file: File;
  getToken(): Promise<string>;
  /** 0…1 as bytes leave the browser. */
  onProgress(fraction: number): void;
  /** Takes the result out of the envelope's `data`. */
  pick(data: D): T;
}

export function uploadFile<D, T>({ url, file, getToken, onProgress, pick }: UploadOptions<D, T>): Upload<T> {
  const xhr = new XMLHttpRequest();
  let cancelled = false;
  const done = getToken().then(
    (token) =>
      new Promise<T>((resolve, reject) => {
        if (cancelled) return reject(new DOMException('Upload cancelled', 'AbortError'));
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.open('POST', url);
        xhr.setRequestHeader(SESSION_HEADER, token);
        xhr.responseType = 'json';
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable) onProgress(event.loaded / event.total);
        };
        xhr.onload = () => {
          const body = xhr.response as { success: true; data: D } | ErrorEnvelope | null;
          if (body?.success) return resolve(pick(body.data));
          // The status tells the desk whether trying again can help (not after a 413 or 415).
          reject(Object.assign(new Error(body?.message ?? `Upload failed (HTTP ${xhr.status}).`), { status: xhr.status }));
        };
        xhr.onerror = () => reject(new Error('Upload failed: the network connection was lost.'));
        xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
        xhr.send(form);
      }),
  );
  return {
    done,
    cancel() {
      cancelled = true;
      xhr.abort();
    },
  };
}
