/**
 * Visitor tabs for the chaos scenarios: pages of the chaos site (site.ts) in one browser
 * context, so they share IndexedDB, BroadcastChannel and Web Locks like tabs of one browser,
 * each running the real runtime core. Everything is read through `window.chaos`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { openPage } from '../e2e/browser.ts';

/** What the chaos page puts on `window` (see site.ts). */
export interface ChaosApi {
  started: Promise<void>;
  isStarted(): boolean;
  startFailures(): number;
  send(text: string): Promise<string>;
  burst(prefix: string, from: number, to: number, intervalMs: number): Promise<void>;
  shown(): string[];
  loadAll(): Promise<void>;
  unconfirmed(): number;
  conversationId(): string | null;
  status(): string;
  /** The runtime itself, for checks the helpers do not cover (its `leader` signal, when it has one). */
  runtime: { leader?: { value: boolean } };
}
type ChaosWindow = { chaos?: ChaosApi };

export interface Tab {
  readonly name: string;
  readonly page: Page;
  /** Uncaught errors and console errors of the page. */
  readonly errors: string[];
  /** Resolves once the page's runtime has started (the page retries start on its own). */
  started(): Promise<void>;
  /**
   * Runs `fn` in the page against its `window.chaos` (and `arg`, passed as JSON). `fn` is
   * serialised into the page: it may only use its parameters.
   */
  call<T, A = undefined>(fn: (chaos: ChaosApi, arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  shown(): Promise<string[]>;
}

/** Opens a tab of `url` in `context` (the page script loads the runtime and starts it). */
export async function openTab(context: BrowserContext, url: string, name: string): Promise<Tab> {
  const { page, errors } = await openPage(context);
  await page.goto(url);
  const tab: Tab = {
    name,
    page,
    errors,
    async started() {
      await page.waitForFunction(() => (window as unknown as ChaosWindow).chaos?.isStarted() === true, undefined, { timeout: 60_000, polling: 200 });
    },
    async call(fn, arg) {
      await page.waitForFunction(() => !!(window as unknown as ChaosWindow).chaos, undefined, { timeout: 30_000 });
      return page.evaluate(`(${fn.toString()})(window.chaos, ${JSON.stringify(arg ?? null)})`) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    shown: () => tab.call((c) => c.shown()),
  };
  return tab;
}
