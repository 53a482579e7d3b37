/**
 * When the widget starts its runtime, and what it does when start-up fails.
 *
 * Kind to the host page: a first-time page view creates no visitor and opens no socket; the
 * runtime starts at load only for a returning visitor (unread badge, live replies), otherwise
 * when the visitor opens the chat. Stubborn about the network: a transient failure (offline, a
 * 503, a rate limit) is retried on its own, with backoff and at once when the device comes back
 * online, while the panel shows only the quiet connection banner. A fatal one (the runtime's
 * `error`, e.g. `SDK_ORIGIN_NOT_ALLOWED`) is not retried.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Runtime } from '../../src/types.ts';

// Waits before each automatic retry of a failed start-up, in ms; the last one repeats.
const RETRY_DELAYS = [1_000, 2_000, 5_000, 10_000, 30_000] as const;

export interface Starter {
  /** Start-up failed for a transient reason and will be tried again. */
  readonly retrying: ReadonlySignal<boolean>;
  /** Starts the runtime now; while a retry waits, tries at once. No-op once started. */
  start(): void;
  /** Starts the runtime now if this browser is a returning visitor; otherwise waits for {@link Starter.start}. */
  startIfReturning(): void;
  /** Stops retrying. */
  dispose(): void;
}

/** @param win where to hear `online` from (absent outside a browser) */
export function createStarter(runtime: Runtime, win?: Pick<Window, 'addEventListener' | 'removeEventListener'>): Starter {
  const retrying = signal(false);
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let done = false;
  let disposed = false;

  function run() {
    clearTimeout(timer);
    if (running || done || disposed) return;
    running = true;
    runtime.start().then(
      () => {
        running = false;
        done = true;
        retrying.value = false;
      },
      () => {
        running = false;
        // A fatal error sits on `runtime.error` (the panel shows it) and start() keeps failing.
        if (disposed || runtime.error.value) return void (retrying.value = false);
        retrying.value = true;
        timer = setTimeout(run, RETRY_DELAYS[Math.min(attempt++, RETRY_DELAYS.length - 1)]);
      },
    );
  }
  const onOnline = () => {
    if (!retrying.value) return;
    attempt = 0;
    run();
  };
  win?.addEventListener('online', onOnline);

  return {
    retrying,
    start: run,
    startIfReturning() {
      runtime.hasVisitor().then((returning) => returning && run(), () => undefined);
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
      win?.removeEventListener('online', onOnline);
    },
  };
}
