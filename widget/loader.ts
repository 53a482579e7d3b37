/**
 * The script-tag loader (`dist/loader.js`, an IIFE of at most 1.5 KB gzip, no dependencies).
 *
 * ```html
 * <script src="https://chat.example.com/loader.js" data-slug="acme" async></script>
 * ```
 *
 * It draws the launcher itself, so the visitor sees it without waiting for Preact or the
 * network, installs the `window.Ringnity(command, ...args)` queue, and imports the app chunk
 * on intent (hover, focus, click, a queued command that needs UI) or when the browser is idle
 * after the page's `load`. Without `data-slug` it draws nothing and waits for
 * `Ringnity('boot', { slug })`. Everything after the app arrived (a second `boot`, `shutdown`)
 * is the app's: the loader only keeps the queue until then.
 */
import type { CommandHandler, LoaderConfig, QueuedCall, WidgetAppModule } from './boot-options.ts';
import { DEFAULT_COLOR, isHexColor, readColor } from './color-cache.ts';
import { launcherCss } from './loader-style.ts';

/** `window.Ringnity`: the queue function (`q` holds calls made through a stub before we ran). */
interface RingnityFunction {
  (...call: QueuedCall): void;
  q?: Iterable<unknown>[];
  /** Set once a loader installed itself; a second copy of the tag does nothing. */
  l?: 1;
}

// Commands that need the app at once: the panel, or a `boot`/`shutdown` (the app owns the widget's life).
const APP_COMMANDS = /^(open|toggle|show|boot|shutdown)$/;

const w: Window & { Ringnity?: RingnityFunction } = window;
const d = document;
const stub = w.Ringnity;
// A second copy of the tag (or of the loader) finds the first one's queue and does nothing.
if (!stub?.l) {
  const script = (d.currentScript ?? d.querySelector('script[data-slug]')) as HTMLScriptElement | null;
  const data = script?.dataset ?? {};
  const src = script?.src || location.href;
  // Without `data-slug` nothing is drawn: the page boots the widget itself (`Ringnity('boot', {...})`).
  const config = data.slug ? ({ ...data, api: data.api || new URL('/api', src).href } as LoaderConfig) : undefined;
  // Calls made before the app arrived, in order (those made through a stub are replayed below).
  const queue: QueuedCall[] = [];
  let handler: CommandHandler | undefined;
  let openNow = false;
  let loading: Promise<void> | undefined;
  let host: HTMLElement | undefined;
  let root: ShadowRoot | undefined;

  const button = d.createElement('button');

  // No nonce to pass on: `import()` fetches with this script's nonce (the HTML spec's
  // descendant fetch options), so the app and its lazy chunks pass a nonce-only or
  // `'strict-dynamic'` policy; nothing else here creates a script, link or style element.
  const load = (): Promise<void> =>
    (loading ??= import(/* @vite-ignore */ new URL('widget/app.js', src).href)
      .then((app: WidgetAppModule) => {
        handler = app.boot({ host, root, config, queue, openNow });
      })
      .catch(() => {
        // Reset so the next intent tries again; the launcher stays visible and clickable.
        loading = undefined;
        button.ariaBusy = null;
        button.dataset.failed = '';
        button.ariaLabel = 'Chat could not load. Try again';
      }));

  if (config) {
    // The launcher: one host element, an open shadow root, a constructable stylesheet
    // (no inline style, so a strict CSP without 'unsafe-inline' works), fixed so nothing shifts.
    host = d.createElement('ringnity-widget');
    root = host.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(launcherCss([data.color, readColor(config.slug)].find(isHexColor) ?? DEFAULT_COLOR, data));
    root.adoptedStyleSheets = [sheet];

    button.type = 'button';
    button.ariaLabel = 'Open chat';
    button.dataset.testid = 'launcher';
    // A hidden launcher is not drawn at all: nothing on the page can catch a click.
    if ((data.hideLauncher ?? 'false') === 'false') root.append(button);

    button.onclick = () => {
      // The app is there but has not drawn its own launcher yet (its command API or the consent
      // chunk is still loading): the click still opens the chat.
      if (handler) return handler('open');
      openNow = true;
      button.ariaBusy = 'true';
      void load();
    };
    button.onpointerenter = button.onfocus = load;
    const mount = () => d.body.append(host!);
    if (d.body) mount();
    else d.addEventListener('DOMContentLoaded', mount, { once: true });

    // Idle after the page's `load` (both callbacks run later, once `window.Ringnity` is ours).
    const idle = () => ('requestIdleCallback' in w ? requestIdleCallback(load, { timeout: 4000 }) : setTimeout(load, 2000));
    if (d.readyState === 'complete') idle();
    else w.addEventListener('load', idle, { once: true });
  }

  const ringnity: RingnityFunction = (...call) => {
    if (handler) return handler(...call);
    queue.push(call);
    if (APP_COMMANDS.test(String(call[0]))) void load();
  };
  ringnity.l = 1;
  w.Ringnity = ringnity;

  // Calls made through a stub (`arguments` objects), in order: queued, and the app loaded at once if one needs it.
  for (const call of stub?.q ?? []) ringnity(...(call as QueuedCall));
}
