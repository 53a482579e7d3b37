/**
 * What the script-tag loader hands the widget app when it has loaded it. Types only: the
 * loader stays dependency-free and the app chunk is loaded with `import()` at run time.
 */

/**
 * Settings as the site owner wrote them: the script tag's `data-*` attributes (camel-cased by
 * `dataset`, e.g. `data-offset-x` → `offsetX`), overridden by `Ringnity('boot', options)`.
 * Strings as written (the loader does not parse them, to stay small); the app validates each.
 */
export interface LoaderConfig {
  /** Tenant slug from `data-slug`. */
  slug: string;
  /** API base including `/api`, from `data-api` or next to the loader's own URL. */
  api: string;
  /** Launcher colour from `data-color` (validated `#rgb`/`#rrggbb` before use). */
  color?: string;
  /** `data-sound` as written: `"true"` (or present and empty) plays a sound for new messages. */
  sound?: string;
  /** `data-title-blink` as written: `"false"` stops the page title blinking for new messages. */
  titleBlink?: string;
  /** `left` or `right` (default). */
  position?: string;
  /** Pixels from the side edge. */
  offsetX?: string;
  /** Pixels from the bottom edge. */
  offsetY?: string;
  zIndex?: string;
  /** Present (and not `"false"`): no launcher. */
  hideLauncher?: string;
  /** Present (and not `"false"`): no launcher while no agent is available and AI is off. */
  hideWhenOffline?: string;
  locale?: string;
  /** `"required"`: no storage and no connection before `Ringnity('consent', true)`. */
  consent?: string;
  contextToken?: string;
}

/** One `window.Ringnity(command, ...args)` call. */
export type QueuedCall = [command: string, ...args: unknown[]];

/** Runs a `window.Ringnity(...)` call once the app is there. */
export type CommandHandler = (...call: QueuedCall) => void;

/** Argument of the app's `boot()`. */
export interface BootOptions {
  /** The host element in the page (carries the shadow root), absent when the loader drew nothing (no slug yet). */
  host?: HTMLElement;
  /** The open shadow root the loader drew its launcher into; the app takes it over. */
  root?: ShadowRoot;
  /** The tag's settings; absent (no `data-slug`) until a queued `boot` call brings them. */
  config?: LoaderConfig;
  /** Calls made before the app arrived, oldest first. */
  queue: QueuedCall[];
  /** The visitor already clicked the launcher: open the panel at once. */
  openNow: boolean;
}

/** The shape of `dist/widget/app.js`. */
export interface WidgetAppModule {
  boot(options: BootOptions): CommandHandler;
}
