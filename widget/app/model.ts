/**
 * The widget's UI state around one runtime: whether the panel is open, which view it shows,
 * the connection as the visitor sees it, a fatal start-up error, the accent colour, uploads in flight and the image in
 * the lightbox. One per mounted widget, passed down as a prop (no module globals).
 */
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { AiChat, RuntimeError } from '../../src/index.ts';
import type { ChatAttachment, FileSend, Runtime, RuntimeStatus } from '../../src/types.ts';
import type { I18n } from './i18n/context.ts';
import { DEFAULT_COLOR, isHexColor } from '../color-cache.ts';
import { watchRateLimit } from './rate-limit.ts';
import { createStarter } from './starter.ts';

/** What the panel shows under its header (`help`: the help-article search of the AI mode). */
export type PanelView = 'chat' | 'past' | 'help';

export interface WidgetModel {
  readonly runtime: Runtime;
  /** The API's base URL (absolute, with `/api`): file links are trusted only under `{apiBase}/attachments/`. */
  readonly apiBase: string;
  /** Panel open. */
  readonly open: Signal<boolean>;
  readonly view: Signal<PanelView>;
  /** The image shown large, `null` when the lightbox is closed. */
  readonly lightbox: Signal<ChatAttachment | null>;
  /** A problem with what the visitor just tried (a file refused before upload), shown above the composer. */
  readonly notice: Signal<string | null>;
  /**
   * What the visitor is writing, kept by the model: the composer can change under them (the AI
   * mode's arrives with the bootstrap, a handoff brings the person's back) without losing it.
   */
  readonly draft: Signal<string>;
  /** The visitor answered (or skipped) the pre-chat form. */
  readonly introduced: Signal<boolean>;
  /** The AI chat once the AI mode's chunk loaded it (`ai/ai-mode.tsx`), else `null`. */
  readonly ai: Signal<AiChat | null>;
  /** A question to the AI waits for its answer to start. */
  readonly thinking: Signal<boolean>;
  /** The panel shows the chat with a person (a handoff, or the AI could not take a question), not the AI mode. */
  readonly human: Signal<boolean>;
  /** The chat cannot work here (the runtime's fatal start-up error, e.g. `SDK_ORIGIN_NOT_ALLOWED`). */
  readonly failure: ReadonlySignal<RuntimeError | null>;
  /**
   * The connection as the banner shows it: the runtime's status, and `reconnecting` (`offline`
   * when the device says so) while a start-up that failed for a transient reason waits to retry.
   */
  readonly connection: ReadonlySignal<RuntimeStatus>;
  /** Seconds until a rate-limited send is tried again (0: trying now), `null` when not limited. */
  readonly slowDown: ReadonlySignal<number | null>;
  /** The tenant colour: the site owner's choice, else the tenant's branding (or the remembered one), else neutral. */
  readonly accent: ReadonlySignal<string>;
  /** Starts the runtime (retrying transient failures by itself); no-op once started. */
  start(): void;
  /** Starts the runtime now only for a returning visitor (see `starter.ts`). */
  startIfReturning(): void;
  /**
   * Uploads and sends files, after refusing here (no bytes sent) an empty file, one over the
   * tenant's size limit or of a type the tenant does not accept, saying why in `words`' language.
   */
  sendFiles(files: Iterable<File>, words: I18n): void;
  /** Cancels the upload of a timeline entry. */
  cancelUpload(key: string): void;
  /** Stops start-up retries and the rate-limit countdown. */
  dispose(): void;
}

export interface WidgetModelOptions {
  /** The API's base URL, absolute (see {@link WidgetModel.apiBase}). */
  apiBase: string;
  /** The site owner's colour (`data-color`, `mountWidget({ color })`). */
  color?: string;
  /** Used until the tenant's branding is known (the colour remembered from a previous visit, unchecked: only a hex colour is taken). */
  fallbackColor?: string | null;
  open?: boolean;
  /** The pre-chat form was answered on an earlier visit. */
  introduced?: boolean;
  /** The window, to retry start-up when it comes back `online`. */
  win?: Window;
}

export function createWidgetModel(runtime: Runtime, options: WidgetModelOptions): WidgetModel {
  const notice = signal<string | null>(null);
  const uploads = new Map<string, FileSend>();
  const starter = createStarter(runtime, options.win);
  const online = () => options.win?.navigator.onLine !== false;
  const limit = watchRateLimit(runtime);
  return {
    runtime,
    apiBase: options.apiBase,
    open: signal(options.open ?? false),
    view: signal<PanelView>('chat'),
    lightbox: signal<ChatAttachment | null>(null),
    notice,
    draft: signal(''),
    introduced: signal(options.introduced ?? false),
    ai: signal<AiChat | null>(null),
    thinking: signal(false),
    human: signal(false),
    failure: runtime.error,
    connection: computed(() => {
      const status = runtime.status.value;
      if (!starter.retrying.value || (status !== 'idle' && status !== 'connecting')) return status;
      return online() ? 'reconnecting' : 'offline';
    }),
    slowDown: limit.seconds,
    accent: computed(() => {
      const branded = runtime.bootstrap.value?.branding?.primaryColor;
      const chosen = [options.color, branded, options.fallbackColor].find(isHexColor);
      return chosen ?? DEFAULT_COLOR;
    }),
    start: starter.start,
    startIfReturning: starter.startIfReturning,
    dispose() {
      starter.dispose();
      limit.dispose();
    },
    sendFiles(files, words) {
      const list = [...files];
      notice.value = null;
      // The checks and the sending load with the first file (a small chunk most chats never need).
      import('./send-files.ts').then(
        ({ sendFiles }) => sendFiles(runtime, list, notice, uploads, words),
        () => (notice.value = words.s.fileNotSent),
      );
    },
    cancelUpload(key) {
      uploads.get(key)?.cancel();
    },
  };
}
