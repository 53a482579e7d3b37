/**
 * Graceful shutdown for HTTP: counts the requests being handled, so the server can wait for
 * them before closing the database, and once draining asks keep-alive clients to hang up
 * (`Connection: close`) instead of sending another request on a socket that is going away.
 */
import type { MiddlewareHandler } from 'hono';

export interface Drain {
  /** Outermost middleware: tracks each request until its handler has finished. */
  middleware: MiddlewareHandler;
  /** From now on every response closes its connection. */
  start(): void;
  /** Resolves when no request is being handled (at once when none is). */
  idle(): Promise<void>;
  /** Requests being handled right now. */
  inFlight(): number;
}

export function createDrain(): Drain {
  let count = 0;
  let draining = false;
  let waiters: Array<() => void> = [];
  const settle = () => {
    if (count > 0) return;
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  return {
    async middleware(c, next) {
      count += 1;
      try {
        await next();
      } finally {
        count -= 1;
        if (draining) c.header('Connection', 'close');
        settle();
      }
    },
    start() {
      draining = true;
    },
    idle() {
      return count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    inFlight: () => count,
  };
}
