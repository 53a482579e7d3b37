/**
 * "Sending too fast": the server answered `RATE_LIMITED` while a message of the visitor waits to
 * go, and the runtime waits it out by itself. Counts down the seconds it asked for, then (while
 * a message still waits) says it is retrying, and clears once nothing waits any more (the send
 * went through, or failed and shows so). A limited read or AI question with nothing waiting to
 * be sent says nothing here: the visitor did not send too fast.
 *
 * Most visits are never limited: the countdown (`rate-limit-countdown.ts`) is a chunk loaded on
 * the first limited send; this file only listens for it.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Runtime } from '../../src/types.ts';
import type { Countdown } from './rate-limit-countdown.ts';

export interface RateLimitWatch {
  /** Seconds left before the runtime tries again (0: trying now), `null` when not limited. */
  readonly seconds: ReadonlySignal<number | null>;
  dispose(): void;
}

export function watchRateLimit(runtime: Runtime): RateLimitWatch {
  const seconds = signal<number | null>(null);
  let countdown: Promise<Countdown | void> | undefined;
  let disposed = false;
  // Text sends still waiting (uploads take their time anyway and show their own progress).
  const waiting = () => runtime.conversation.messages.peek().some((m) => m.state === 'sending' && !m.upload);
  const off = runtime.on('error', (error) => {
    if (error.code !== 'RATE_LIMITED' || !waiting()) return;
    // Counted from the answer, not from when the countdown's chunk arrived.
    const until = Date.now() + (error.retryAfterMs ?? 1000);
    // A chunk that did not load (offline) is tried again at the next limited send.
    countdown ??= import('./rate-limit-countdown.ts').then(
      (m) => m.createCountdown(runtime, seconds, waiting),
      () => void (countdown = undefined),
    );
    void countdown.then((c) => disposed || c?.limited(until));
  });
  return {
    seconds,
    dispose() {
      disposed = true;
      off();
      void countdown?.then((c) => c?.dispose());
    },
  };
}
