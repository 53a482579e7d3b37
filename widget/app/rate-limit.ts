/**
 * "Sending too fast": the server answered `RATE_LIMITED` while a message of the visitor waits to
 * go, and the runtime waits it out by itself. Counts down the seconds it asked for, then (while
 * a message still waits) says it is retrying, and clears once nothing waits any more (the send
 * went through, or failed and shows so). A limited read or AI question with nothing waiting to
 * be sent says nothing here: the visitor did not send too fast.
 */
import { effect, signal, type ReadonlySignal } from '@preact/signals';
import type { Runtime } from '../../src/types.ts';

export interface RateLimitWatch {
  /** Seconds left before the runtime tries again (0: trying now), `null` when not limited. */
  readonly seconds: ReadonlySignal<number | null>;
  dispose(): void;
}

export function watchRateLimit(runtime: Runtime): RateLimitWatch {
  const seconds = signal<number | null>(null);
  let until = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  // Text sends still waiting (uploads take their time anyway and show their own progress).
  const waiting = () => runtime.conversation.messages.peek().some((m) => m.state === 'sending' && !m.upload);
  const clear = () => {
    clearInterval(timer);
    timer = undefined;
    seconds.value = null;
  };
  const tick = () => {
    const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    if (left === 0 && !waiting()) return clear();
    seconds.value = left;
  };
  const off = runtime.on('error', (error) => {
    if (error.code !== 'RATE_LIMITED' || !waiting()) return;
    until = Date.now() + (error.retryAfterMs ?? 1000);
    timer ??= setInterval(tick, 1000);
    tick();
  });
  // A send went through (or failed for good): nothing waits once the wait is over.
  const stop = effect(() => {
    void runtime.conversation.messages.value;
    if (seconds.peek() !== null) tick();
  });
  return {
    seconds,
    dispose() {
      off();
      stop();
      clearInterval(timer);
    },
  };
}
