/**
 * `ringnity-web/widget`: the chat widget for single-page apps that bundle their own code
 * instead of pasting the script tag. Importing this module touches no `window`/`document`;
 * only {@link mountWidget} does.
 */
import type { Runtime } from '../src/types.ts';
import { mountApp } from './app/mount.tsx';

/** Options of {@link mountWidget}. */
export interface MountWidgetOptions {
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
}

/** A mounted widget. */
export interface MountedWidget {
  /** Opens the chat panel. */
  open(): void;
  /** Closes the chat panel. */
  close(): void;
  /** Opens the panel when closed, closes it when open. */
  toggle(): void;
  /** Removes the widget from the page and closes its connection. */
  destroy(): void;
  /** The runtime under the widget, for listening to events or reading state. */
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
  const { baseUrl, slug, publicKey, contextToken, target, color, open, titleBlink, sound } = options;
  const host = document.createElement('ringnity-widget');
  const root = host.attachShadow({ mode: 'open' });
  (target ?? document.body).append(host);
  const widget = mountApp({ root, runtime: { baseUrl, slug, publicKey, contextToken }, color, open, titleBlink, sound });
  return {
    runtime: widget.runtime,
    open: widget.open,
    close: widget.close,
    toggle: widget.toggle,
    destroy() {
      widget.destroy();
      host.remove();
    },
  };
}
