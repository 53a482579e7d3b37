/**
 * The "sending too fast" countdown (`rate-limit.ts` loads this chunk on the first limited send):
 * the seconds left until `until`, ticking each second, then 0 (retrying) while a send still
 * waits; `null` once nothing waits any more.
 */
import { effect, type Signal } from '@preact/signals';
import type { Runtime } from '../../src/types.ts';

export interface Countdown {
  /** The server asked to wait until `until` (ms since the epoch). */
  limited(until: number): void;
  dispose(): void;
}

export function createCountdown(runtime: Runtime, seconds: Signal<number | null>, waiting: () => boolean): Countdown {
  let until = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
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
  // A send went through (or failed for good): nothing waits once the wait is over.
  const stop = effect(() => {
    void runtime.conversation.messages.value;
    if (seconds.peek() !== null) tick();
  });
  return {
    limited(next) {
      until = next;
      timer ??= setInterval(tick, 1000);
      tick();
    },
    dispose() {
      stop();
      clearInterval(timer);
    },
  };
}
