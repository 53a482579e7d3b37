/**
 * Debian's Chromium through playwright-core (never a downloaded browser), plus a recorder of
 * what a page reports as broken: uncaught exceptions and console errors.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless, and none of Chromium's own network chatter (this machine's network is closed). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** @param args more Chromium switches, e.g. fake media devices for the call tests */
export function launchChromium(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...args],
  });
}

/** A page whose uncaught errors are collected in `errors`. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  return { page, errors };
}

/** Requests held by {@link holdRequests} until `release()`: how many came, and the release. */
export interface Held {
  readonly count: number;
  release(): void;
}

/**
 * Holds the page's requests to `url` (those `which` picks) unanswered until `release()`, then
 * lets them go on to the network: code or an answer arriving late, on purpose.
 */
export async function holdRequests(page: Page, url: string, which: (method: string) => boolean = () => true): Promise<Held> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = { count: 0, release };
  await page.route(url, async (route) => {
    if (which(route.request().method())) {
      held.count++;
      await released;
    }
    await route.fallback();
  });
  return held;
}
