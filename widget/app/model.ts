/**
 * The widget's UI state around one runtime: whether the panel is open, which view it shows,
 * whether start-up finished or failed, the accent colour, uploads in flight and the image in
 * the lightbox. One per mounted widget, passed down as a prop (no module globals).
 */
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { ChatAttachment, FileSend, Runtime } from '../../src/types.ts';
import { isHexColor } from '../color-cache.ts';

/** Why the chat cannot be used, as the error state shows it. */
export interface Failure {
  /** The contract's error code (`SDK_ORIGIN_NOT_ALLOWED`, …) or `UNKNOWN`. */
  code: string;
  message: string;
  /** Trying again may work (network trouble, rate limit, a server fault). */
  retryable: boolean;
}

/** What the panel shows under its header. */
export type PanelView = 'chat' | 'past';

export interface WidgetModel {
  readonly runtime: Runtime;
  /** Panel open. */
  readonly open: Signal<boolean>;
  readonly view: Signal<PanelView>;
  /** The image shown large, `null` when the lightbox is closed. */
  readonly lightbox: Signal<ChatAttachment | null>;
  /** A problem with what the visitor just tried (a file refused before upload), shown above the composer. */
  readonly notice: Signal<string | null>;
  /** The visitor answered (or skipped) the pre-chat form. */
  readonly introduced: Signal<boolean>;
  /** Start-up failed (the runtime's fatal error or the rejection of `start()`). */
  readonly failure: ReadonlySignal<Failure | null>;
  /** The tenant colour: the site owner's choice, else the tenant's branding (or the remembered one), else neutral. */
  readonly accent: ReadonlySignal<string>;
  /** Starts the runtime (again, after a transient failure), recording a rejection. */
  start(): void;
  /** Uploads and sends files, after checking the tenant's size limit here (no bytes sent for a refused file). */
  sendFiles(files: Iterable<File>): void;
  /** Cancels the upload of a timeline entry. */
  cancelUpload(key: string): void;
}

export const DEFAULT_ACCENT = '#3b4a5a';

export interface WidgetModelOptions {
  /** The site owner's colour (`data-color`, `mountWidget({ color })`). */
  color?: string;
  /** Used until the tenant's branding is known (the colour remembered from a previous visit). */
  fallbackColor?: string;
  open?: boolean;
  /** The pre-chat form was answered on an earlier visit. */
  introduced?: boolean;
}

const mb = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

export function createWidgetModel(runtime: Runtime, options: WidgetModelOptions): WidgetModel {
  const rejected = signal<Failure | null>(null);
  const notice = signal<string | null>(null);
  const uploads = new Map<string, FileSend>();
  const toFailure = (error: unknown): Failure => {
    const { code, message, retryable } = (error ?? {}) as { code?: unknown; message?: unknown; retryable?: unknown };
    return {
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : String(error),
      retryable: retryable === true,
    };
  };
  return {
    runtime,
    open: signal(options.open ?? false),
    view: signal<PanelView>('chat'),
    lightbox: signal<ChatAttachment | null>(null),
    notice,
    introduced: signal(options.introduced ?? false),
    failure: computed(() => {
      const fatal = runtime.error.value;
      return fatal ? toFailure(fatal) : rejected.value;
    }),
    accent: computed(() => {
      const branded = runtime.bootstrap.value?.branding?.primaryColor;
      const chosen = [options.color, branded, options.fallbackColor].find(isHexColor);
      return chosen ?? DEFAULT_ACCENT;
    }),
    start() {
      rejected.value = null;
      // The runtime keeps a fatal error on `runtime.error`; a transient one only rejects, and
      // start() may be called again for it.
      runtime.start().catch((error: unknown) => (rejected.value = toFailure(error)));
    },
    sendFiles(files) {
      const max = runtime.bootstrap.value?.sdk?.maxUploadBytes;
      notice.value = null;
      for (const file of files) {
        if (max && file.size > max) {
          notice.value = `“${file.name}” is ${mb(file.size)}. Files can be up to ${mb(max)}.`;
          continue;
        }
        const send = runtime.conversation.sendFile(file);
        uploads.set(send.key, send);
        // A failure stays on the entry (state `failed`, with Retry, and the handle to cancel it).
        send.done.then(() => uploads.delete(send.key), () => undefined);
      }
    },
    cancelUpload(key) {
      uploads.get(key)?.cancel();
    },
  };
}
