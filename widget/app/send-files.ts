/**
 * Sending the files the visitor picked, dropped or pasted (a chunk loaded with the first one,
 * which most chats never need): each is checked here first (`upload-check.ts`), then uploaded
 * and sent by the runtime.
 */
import type { Signal } from '@preact/signals';
import type { FileSend, Runtime } from '../../src/types.ts';
import type { I18n } from './i18n/context.ts';
import { enViews } from './i18n/en-views.ts';
import { uploadRefusal } from './upload-check.ts';

/**
 * Sends `files`, putting a refusal (in `words`' language) in `notice`; `uploads` keeps each
 * upload's handle (to cancel it) until it is done.
 */
export function sendFiles(runtime: Runtime, files: readonly File[], notice: Signal<string | null>, uploads: Map<string, FileSend>, words: I18n): void {
  const sdk = runtime.bootstrap.peek()?.sdk;
  const limits = { maxUploadBytes: sdk?.maxUploadBytes, uploadTypes: sdk?.uploadTypes };
  for (const file of files) {
    const refusal = uploadRefusal(file, limits, words.views ?? enViews, words.lang);
    if (refusal) {
      notice.value = refusal;
      continue;
    }
    const send = runtime.conversation.sendFile(file);
    uploads.set(send.key, send);
    // A failure stays on the entry (state `failed`, with Retry when it can help, and the handle to cancel it).
    send.done.then(() => uploads.delete(send.key), () => undefined);
  }
}
