/**
 * The browser's upload transport: `XMLHttpRequest`, whose upload events give real progress over
 * HTTP/1.1 (a streaming `fetch` cannot). Loaded with the upload machinery.
 */
import type { UploadTransport } from '../types.ts';

/** Sends a multipart body with `XMLHttpRequest`, reporting upload progress. */
export const xhrTransport: UploadTransport = ({ url, headers, body, signal, onProgress }) =>
  new Promise((resolve, reject) => {
    // Cancelled before it started: no request at all (an `abort` listener would never hear it).
    signal.throwIfAborted();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText, retryAfter: xhr.getResponseHeader('Retry-After') });
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new TypeError('the upload did not complete'));
    signal.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
