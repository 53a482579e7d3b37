/**
 * The public command API of the widget: `window.Ringnity(command, ...args)` on a page with the
 * script tag, and the same methods on the handle `mountWidget()` returns. Types only.
 */
import type { VisitorIdentity } from '../../src/contract/extensions.ts';
import type { RuntimeError } from '../../src/index.ts';
import type { ActiveCall, Message } from '../../src/index.ts';

/** Where the launcher sits and how it looks; `data-*` attributes of the script tag or `boot()` options. */
export interface WidgetPlacement {
  /**
   * Corner of the launcher and the panel.
   * @default 'right'
   */
  position?: 'left' | 'right';
  /**
   * Distance from the left/right edge of the window, in CSS pixels (`data-offset-x`).
   * @default 20
   */
  offsetX?: number;
  /**
   * Distance from the bottom of the window, in CSS pixels (`data-offset-y`).
   * @default 20
   */
  offsetY?: number;
  /**
   * Stacking order of the launcher (the panel sits one above), for sites with their own overlays.
   * @default 2147483000
   */
  zIndex?: number;
}

/** Options of `Ringnity('boot', options)`; the same names as the script tag's `data-*` attributes. */
export interface RingnityBootOptions extends WidgetPlacement {
  /** Called before every session minting for a fresh context token (see `RuntimeOptions.getContextToken`). */
  getContextToken?: () => string | Promise<string>;
  /** Public tenant slug (`data-slug`). Required unless the script tag carries it. */
  slug?: string;
  /**
   * API base including `/api` (`data-api`).
   * @default `/api` on the loader's own origin
   */
  api?: string;
  /** Launcher and accent colour, `#rgb` or `#rrggbb` (`data-color`); overrides the tenant's branding. */
  color?: string;
  /** Interface language, e.g. `'ar'` (`data-locale`). @default the tenant's, else the browser's */
  locale?: string;
  /**
   * No launcher: the site opens the chat with its own button (`Ringnity('open')`); `data-hide-launcher`.
   * @default false
   */
  hideLauncher?: boolean;
  /**
   * Hide the launcher while no agent is available and the tenant's AI chat is off (`data-hide-when-offline`).
   * The panel, once open, stays usable (messages wait for an agent).
   * @default false
   */
  hideWhenOffline?: boolean;
  /**
   * `'required'`: nothing is written to the visitor's storage and no connection is opened until
   * `Ringnity('consent', true)` (`data-consent="required"`). The launcher shows; opening it asks for consent.
   * @default 'granted'
   */
  consent?: 'required' | 'granted';
  /** A visitor context token from the site's backend: a verified visitor. */
  contextToken?: string;
  /** Open the panel at once. @default false */
  open?: boolean;
}

/** Page details sent to the agent: the page URL and title (filled in when absent), and the site's own attributes. */
export interface PageMetadata {
  /** @default location.href */
  url?: string;
  /** @default document.title */
  title?: string;
  /** The site's own attributes (plan, cart value, …): strings, numbers, booleans. */
  [attribute: string]: string | number | boolean | null | undefined;
}

/** What `identify` takes: a context token (verified), or details the visitor gave (shown as unverified). */
export type IdentifyOptions = { contextToken: string } | VisitorIdentity;

/** Events of the widget and their payloads. */
export interface WidgetEvents {
  /** The widget is mounted and takes commands. */
  ready: undefined;
  /** The panel opened. */
  open: undefined;
  /** The panel closed. */
  close: undefined;
  /** A message from the team (or the AI) arrived. */
  message: Message;
  /** The number of messages the visitor has not seen changed. */
  unread: number;
  /** Something failed (start-up, a send); the widget keeps retrying what it can. */
  error: RuntimeError;
  /** A call started (it rings, or the visitor started it). */
  call: ActiveCall;
}

/** Name of a widget event. */
export type WidgetEventName = keyof WidgetEvents;

/** A listener of one widget event. */
export type WidgetListener<E extends WidgetEventName> = (payload: WidgetEvents[E]) => void;

/** The command methods shared by `window.Ringnity` and the `mountWidget()` handle. */
export interface WidgetCommands {
  /** Opens the chat panel. */
  open(): void;
  /** Closes the chat panel. */
  close(): void;
  /** Opens the panel when closed, closes it when open. */
  toggle(): void;
  /** Hides the launcher (for a site with its own chat button); `open()` still works. */
  hideLauncher(): void;
  /** Shows the launcher again. */
  showLauncher(): void;
  /** Tells the team who the visitor is. */
  identify(identity: IdentifyOptions): void;
  /** Sends page details (merged with earlier ones) so the agent sees where the visitor is. */
  update(metadata?: PageMetadata): void;
  /** For routers that bypass the History API: the visitor is now on `url`. */
  navigate(url: string): void;
  /** Gives (or withdraws) consent for storage and connections (`consent: 'required'`). */
  consent(granted: boolean): void;
  /** Listens to an event. */
  on<E extends WidgetEventName>(event: E, listener: WidgetListener<E>): void;
  /** Stops listening. */
  off<E extends WidgetEventName>(event: E, listener: WidgetListener<E>): void;
}
