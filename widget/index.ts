/**
 * `ringnity-web/widget`: the chat widget for single-page apps that bundle their own code
 * instead of pasting the script tag. Importing this module touches no `window`/`document`;
 * only {@link mountWidget} does.
 */
import type { Runtime } from '../src/types.ts';
import { ConsentGate } from './app/commands/consent-gate.tsx';
import { placeWidget } from './app/commands/placement.ts';
import { mountApp } from './app/mount.tsx';
import { createWidgetHandle } from './command/handle.ts';
import { createWidgetStorage } from './command/storage.ts';
import type { WidgetCommands, WidgetPlacement } from './command/types.ts';

export type {
  IdentifyOptions,
  PageMetadata,
  RingnityBootOptions,
  WidgetCommands,
  WidgetEventName,
  WidgetEvents,
  WidgetListener,
  WidgetPlacement,
} from './command/types.ts';
export type { RingnityCommand } from './command/global.ts';

/** Options of {@link mountWidget}. */
export interface MountWidgetOptions extends WidgetPlacement {
  /**
   * Base URL of the Ringnity API, including the `/api` prefix.
   * @example 'https://chat.example.com/api'
   */
  baseUrl: string;
  /** Public tenant slug. One of `slug` or `publicKey` is required. */
  slug?: string;
  /** Public widget key (legacy alternative to `slug`). */
  publicKey?: string;
  /**
   * A visitor context token minted by the site's backend (`/server/visitor-context-token`): the
   * visitor is verified, and sees their conversations from other devices (read-only here).
   */
  contextToken?: string;
  /**
   * Asks your backend for a fresh visitor context token; called before every session minting
   * (the start and each renewal), so a signed-in visitor stays verified however long the page
   * stays open. Takes the place of `contextToken`. Mint the token on your server
   * (`POST /api/server/visitor-context-token` with the Server API key), never in the page.
   * @default none
   * @example
   * getContextToken: async () => (await (await fetch('/me/chat-token', { method: 'POST' })).json()).token
   */
  getContextToken?: () => string | Promise<string>;
  /**
   * Element the widget's host element is appended to. The launcher and panel are
   * `position: fixed`, so this only decides where the host sits in the DOM.
   * @default document.body
   */
  target?: Element;
  /**
   * Launcher and accent colour as `#rgb` or `#rrggbb`; overrides the tenant's branding.
   * @default the tenant's `branding.primaryColor`, else a neutral dark grey
   */
  color?: string;
  /**
   * Open the panel at once.
   * @default false
   */
  open?: boolean;
  /**
   * Blink the page title ("(1) New message") while a new message waits and the visitor is not looking.
   * @default true
   */
  titleBlink?: boolean;
  /**
   * Play a short sound when a new message arrives while the visitor is not looking.
   * @default false
   */
  sound?: boolean;
  /** Interface language, e.g. `'es'`. @default the tenant's, else the browser's */
  locale?: string;
  /** No launcher: open the chat from your own button with `widget.open()`. @default false */
  hideLauncher?: boolean;
  /** No launcher while no agent is available and the tenant's AI chat is off. @default false */
  hideWhenOffline?: boolean;
  /**
   * `'required'`: nothing is stored and no connection is opened until `widget.consent(true)`.
   * @default 'granted'
   */
  consent?: 'required' | 'granted';
}

/** A mounted widget: the same commands and events as `window.Ringnity(...)`. */
export interface MountedWidget extends WidgetCommands {
  /** Removes the widget from the page and closes its connection; a returning visitor stays known. */
  destroy(): void;
  /** Removes the widget and everything it stored on this device (the visitor id, unsent messages). */
  shutdown(): Promise<void>;
  /** The runtime under the widget, for reading state (a new one after `identify({ contextToken })`). */
  readonly runtime: Runtime;
}

/**
 * Mounts the chat widget (launcher and panel) into its own shadow root. Its runtime starts at
 * once for a returning visitor (so the unread badge and live replies work) and otherwise when
 * the chat is first opened, so a page view alone creates no visitor and opens no socket; call
 * `widget.runtime.start()` to start it yourself. A start-up that fails for a transient reason
 * (offline, a server fault) is retried by itself.
 *
 * @example
 * ```ts
 * import { mountWidget } from 'ringnity-web/widget';
 *
 * const widget = mountWidget({ baseUrl: 'https://chat.example.com/api', slug: 'acme' });
 * document.querySelector('#help')!.addEventListener('click', () => widget.open());
 * widget.runtime.on('message', (message) => console.log('new message', message.body));
 * // later, e.g. when the route unmounts:
 * widget.destroy();
 * ```
 */
export function mountWidget(options: MountWidgetOptions): MountedWidget {
  const { baseUrl, slug, publicKey, target, color, titleBlink, sound } = options;
  const host = document.createElement('ringnity-widget');
  const root = host.attachShadow({ mode: 'open' });
  (target ?? document.body).append(host);
  let open = options.open;
  const gate = options.consent === 'required' ? ConsentGate : undefined;
  const handle = createWidgetHandle(window, createWidgetStorage(!!gate), (storage, contextToken = options.contextToken) => {
    const widget = mountApp({
      root,
      runtime: { baseUrl, slug, publicKey, contextToken, storage, getContextToken: options.getContextToken },
      color,
      open,
      titleBlink,
      sound,
      locale: options.locale,
      gate,
      onConsent: storage.release,
    });
    open = false;
    return placeWidget(widget, root, options);
  });
  return {
    get runtime() {
      return handle.runtime;
    },
    open: handle.open,
    close: handle.close,
    toggle: handle.toggle,
    hideLauncher: handle.hideLauncher,
    showLauncher: handle.showLauncher,
    identify: handle.identify,
    update: handle.update,
    navigate: handle.navigate,
    consent: handle.consent,
    on: handle.on,
    off: handle.off,
    destroy() {
      handle.destroy();
      host.remove();
    },
    async shutdown() {
      host.remove();
      await handle.shutdown();
    },
  };
}
