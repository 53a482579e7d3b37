/**
 * Conversation scale (issue 9 item 4): a visitor's conversation of `BENCH_SCALE_MESSAGES`
 * (default 10,000) messages, seeded in the server's database after the visitor's first message
 * went through the widget. In Chromium (CPU 4× slower), the page is loaded again and the panel
 * opened: time from the click to the first message painted and to a ready composer; then the
 * list is scrolled to the top (3,000 px a frame, the list reads older pages as it goes) for at
 * most `BENCH_SCROLL_MS` (default 45 s): frame times (rAF deltas p50/p95/max, frames over 50 ms),
 * how many messages were reached, and the JS heap after it.
 * Needs a fresh `npm run build`. Run alone: `npx tsx test/bench/scale.bench.ts`.
 */
import type { Database } from '../../demo/server/db/database.ts';
import { HUMAN_ONLY, sendText } from '../e2e/two-sides.ts';
import { launchChromium } from '../e2e/browser.ts';
import { startTestServer } from '../helpers/server.ts';
import { instrument } from './browser/cdp.ts';
import { serveHostSite } from './browser/host-site.ts';
import { type ProbeState, inPageScript, probeScript } from './browser/probe.ts';
import { report } from './figures.ts';
import { envCount, percentile } from './stats.ts';
import { seedMessages } from './seed-messages.ts';

const total = envCount('BENCH_SCALE_MESSAGES', 10_000);
const scrollMs = envCount('BENCH_SCROLL_MS', 45_000);

interface Scrolled {
  /** ms until the oldest message was shown (or the time limit). */
  ms: number;
  messages: number;
  reachedTop: boolean;
}

/**
 * Runs in the page: scrolls the message list up until the conversation's first message
 * (`oldest`, the visitor's) shows at the top, or time is up. The list renders a window of the
 * messages (not all it loaded), so how far it got is read from the oldest seeded message seen
 * (`Message <g>: …`, g = 1 … target - 1), not from how many are in the DOM.
 */
async function scrollToTop(opts: { target: number; limitMs: number; oldest: string }): Promise<Scrolled> {
  const root = document.querySelector('ringnity-widget')!.shadowRoot!;
  const list = root.querySelector<HTMLElement>('[data-testid="message-list"]')!;
  let lowest = opts.target;
  const count = () => {
    const text = root.querySelector('[data-testid="message"] .bubble')?.textContent ?? '';
    if (text.includes(opts.oldest)) return opts.target;
    lowest = Math.min(lowest, Number(/^Message (\d+):/.exec(text)?.[1] ?? lowest));
    return opts.target - lowest;
  };
  window.__bench.frames = [];
  window.__bench.recordFrames = true;
  const start = performance.now();
  let reachedTop = false;
  let grewAt = start;
  let seen = count();
  while (performance.now() - start < opts.limitMs) {
    list.scrollTop = Math.max(0, list.scrollTop - 3000);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const n = count();
    if (n !== seen) (seen = n), (grewAt = performance.now());
    if (n >= opts.target && list.scrollTop === 0) {
      reachedTop = true;
      break;
    }
    // At the top and nothing older arrived for 5 s: the list will not read more.
    if (list.scrollTop === 0 && performance.now() - grewAt > 5000) break;
  }
  window.__bench.recordFrames = false;
  return { ms: performance.now() - start, messages: count(), reachedTop };
}

let serverOrigin = '';
let db: Database | undefined;
const site = await serveHostSite(() => serverOrigin);
const server = await startTestServer({ ...HUMAN_ONLY, log: false, allowedOrigins: [site.origin], seed: async (d) => void (db = d) });
serverOrigin = server.origin;
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.addInitScript({ content: probeScript({ clickOnSight: false }) });
  // The visitor's first message, through the widget: the conversation is theirs, as in life.
  await page.goto(site.widget);
  await page.getByTestId('launcher').click();
  const first = `scale-${Date.now()}`;
  await sendText(page, first);
  // Stored on the server once it no longer shows as sending.
  await page.locator('[data-testid="message"]:not([data-state="sending"]):not([data-state="failed"])', { hasText: first }).waitFor();
  const [row] = await db!.query<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE body = $1', [first]);
  const seeding = performance.now();
  await seedMessages(db!, row!.conversation_id, total - 1);
  console.log(`seeded ${total - 1} messages in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  // The same visitor comes back: a new page load, CPU throttled from here on. The panel is
  // closed first (the widget remembers an open panel across page loads).
  await page.evaluate(() => (window as unknown as { Ringnity(command: string): void }).Ringnity('close'));
  await page.getByTestId('composer-input').waitFor({ state: 'detached' });
  const cdp = await instrument(page);
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.__bench.launcherAt !== undefined);
  await page.getByTestId('launcher').click();
  await page.waitForFunction(() => window.__bench.messagesAt !== undefined && window.__bench.readyAt !== undefined);
  const opened = (await page.evaluate(() => window.__bench)) as ProbeState;
  const scrolled = (await page.evaluate(inPageScript(scrollToTop, { target: total, limitMs: scrollMs, oldest: first }))) as Scrolled;
  const { frames } = (await page.evaluate(() => window.__bench)) as ProbeState;
  const heap = await cdp.heapUsed();
  const note = `${total} messages`;
  report(
    { id: 'scale.open', label: 'long conversation: click to first message painted', value: opened.messagesAt! - opened.clickAt!, unit: 'ms', note },
    { id: 'scale.ready', label: 'long conversation: click to ready composer', value: opened.readyAt! - opened.clickAt!, unit: 'ms', note },
    { id: 'scale.scroll-to-top', label: 'long conversation: scrolling to the oldest message', value: scrolled.ms, unit: 'ms', note: scrolled.reachedTop ? note : `stopped after ${scrollMs} ms` },
    { id: 'scale.messages-reached', label: 'long conversation: messages reached by scrolling', value: scrolled.messages, unit: 'count', note: `of ${total}` },
    { id: 'scale.frames.p50', label: 'long conversation: frame time while scrolling, p50', value: percentile(frames, 50), unit: 'ms', note: `${frames.length} frames` },
    { id: 'scale.frames.p95', label: 'long conversation: frame time while scrolling, p95', value: percentile(frames, 95), unit: 'ms' },
    { id: 'scale.frames.max', label: 'long conversation: frame time while scrolling, max', value: Math.max(...frames), unit: 'ms' },
    { id: 'scale.frames-over-50ms', label: 'long conversation: frames over 50 ms while scrolling', value: frames.filter((f) => f > 50).length, unit: 'count' },
    { id: 'scale.heap', label: 'long conversation: JS heap after scrolling', value: heap, unit: 'bytes', note: 'after GC' },
  );
} finally {
  await browser.close();
  await server.close();
  await site.close();
}
