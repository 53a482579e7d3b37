/**
 * What the benches read inside the page, installed before any of the page's scripts
 * (`addInitScript`): one requestAnimationFrame loop that notes the first frame in which the
 * host's own content, the launcher and the ready panel have a box, plus PerformanceObservers
 * for long tasks and layout shifts. Times are `performance.now()` (ms since navigation start).
 * The same probe runs on the page without the widget, so its own cost cancels out.
 */

export interface ProbeState {
  /** First frame in which the host page's `#content` had a box. */
  contentAt?: number;
  /** First frame in which the loader's button (in the widget's shadow root) had a box. */
  launcherAt?: number;
  /** The first click on the page (the visitor's click on the launcher). */
  clickAt?: number;
  /** The app chunk had been fetched by the time of the click (the click did not find it cold). */
  appBeforeClick?: boolean;
  /** First frame after the click in which the panel's composer was there, enabled, with a box. */
  readyAt?: number;
  /** First frame after the click in which the message list showed a message. */
  messagesAt?: number;
  /** Long tasks (> 50 ms) on the host page's main thread: their durations. */
  longTasks: number[];
  /** Cumulative layout shift (shifts without recent input). */
  cls: number;
  /** Frame-to-frame intervals while `recordFrames` is on (the scroll bench). */
  frames: number[];
  recordFrames: boolean;
}

declare global {
  interface Window {
    __bench: ProbeState;
  }
}

export interface ProbeOptions {
  /**
   * Click the launcher in the very frame it first has a box: the visitor who clicks at first
   * sight, before the loader fetched the app on idle (the "app not yet loaded" case).
   */
  clickOnSight: boolean;
}

/** Runs in the page; self-contained (its source is sent, see {@link probeScript}). */
export function installProbe(options: ProbeOptions): void {
  const state: ProbeState = { longTasks: [], cls: 0, frames: [], recordFrames: false };
  window.__bench = state;
  const observe = (type: string, each: (entry: PerformanceEntry & { value?: number; hadRecentInput?: boolean }) => void) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(each)).observe({ type, buffered: true });
    } catch {
      // An entry type this browser does not know: that figure stays empty.
    }
  };
  observe('longtask', (e) => state.longTasks.push(e.duration));
  observe('layout-shift', (e) => {
    if (!e.hadRecentInput) state.cls += e.value ?? 0;
  });
  const appFetched = () => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/widget/app.js'));
  // Capture phase on the window: the first to hear a click, before the loader's own handler.
  addEventListener(
    'click',
    (e) => {
      if (state.clickAt !== undefined) return;
      state.clickAt = e.timeStamp;
      state.appBeforeClick = appFetched();
    },
    { capture: true },
  );
  const hasBox = (el: Element | null | undefined) => {
    const r = el?.getBoundingClientRect();
    return !!r && r.width > 0 && r.height > 0;
  };
  let last = 0;
  const frame = (frameStart: number) => {
    if (state.recordFrames && last) state.frames.push(frameStart - last);
    last = frameStart;
    // Marks use the time now, not the frame's start: input handled in this frame came after that.
    const now = performance.now();
    if (state.contentAt === undefined && hasBox(document.getElementById('content'))) state.contentAt = now;
    const root = document.querySelector('ringnity-widget')?.shadowRoot;
    const launcher = root?.querySelector<HTMLButtonElement>('[data-testid="launcher"]');
    if (state.launcherAt === undefined && hasBox(launcher)) {
      state.launcherAt = now;
      if (options.clickOnSight) launcher!.click();
    }
    if (state.clickAt !== undefined && state.readyAt === undefined) {
      const input = root?.querySelector<HTMLTextAreaElement>('[data-testid="composer-input"]');
      if (input && !input.disabled && hasBox(input)) state.readyAt = now;
    }
    if (state.clickAt !== undefined && state.messagesAt === undefined && hasBox(root?.querySelector('[data-testid="message"]'))) state.messagesAt = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/**
 * The probe as an init script. tsx (esbuild `keepNames`) wraps inner functions in `__name(...)`,
 * which does not exist in the page, hence the stand-in before the function's source.
 */
export const probeScript = (options: ProbeOptions): string =>
  `(() => { const __name = (f) => f; (${installProbe.toString()})(${JSON.stringify(options)}); })();`;

/** Runs `fn(arg)` in the page from its source, with the same `__name` stand-in as {@link probeScript}. */
export function inPageScript<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}
