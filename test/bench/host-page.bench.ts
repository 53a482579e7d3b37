/**
 * Host-page cost (issue 9 item 3) in Debian's Chromium, CPU throttled 4×, beside the same page
 * without the widget: time to launcher visible (as a difference to the plain page's content),
 * JS bytes before the launcher, long tasks, layout shift, JS heap; then click to a panel ready
 * for typing with the app cold (first visit, click as soon as the launcher shows), warm (the
 * next page load: HTTP cache) and loaded (the app already fetched on idle). All of it on
 * loopback, then again under a slow-4G profile. Medians of `BENCH_RUNS` (default 7) runs on
 * loopback and `BENCH_SLOW_RUNS` (default 3) under slow 4G; every run a fresh browser context.
 * The real reference server runs in this process; the host page is on an origin of its own.
 * Needs a fresh `npm run build`. Run alone: `npx tsx test/bench/host-page.bench.ts`.
 */
import type { Browser, Page } from 'playwright-core';
import { HUMAN_ONLY } from '../e2e/two-sides.ts';
import { launchChromium } from '../e2e/browser.ts';
import { startTestServer } from '../helpers/server.ts';
import { type Instrumented, type NetworkProfile, SLOW_4G, instrument } from './browser/cdp.ts';
import { serveHostSite } from './browser/host-site.ts';
import { type ProbeState, probeScript } from './browser/probe.ts';
import { type Figure, report } from './figures.ts';
import { envCount, median } from './stats.ts';

const TIMEOUT = 60_000;

interface Loaded {
  page: Page;
  cdp: Instrumented;
  close(): Promise<void>;
}

async function open(browser: Browser, url: string, network: NetworkProfile | undefined, clickOnSight = false): Promise<Loaded> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.addInitScript({ content: probeScript({ clickOnSight }) });
  const cdp = await instrument(page, network);
  await page.goto(url, { waitUntil: 'load' });
  return { page, cdp, close: () => context.close() };
}

const probe = (page: Page): Promise<ProbeState> => page.evaluate(() => window.__bench);
const until = (page: Page, key: 'contentAt' | 'launcherAt' | 'readyAt') => page.waitForFunction((k) => window.__bench[k] !== undefined, key, { timeout: TIMEOUT });
/** The app chunk was fetched (the loader imports it when the browser is idle after `load`). */
const appFetched = (page: Page) =>
  page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/widget/app.js')), undefined, { timeout: TIMEOUT });

/** Ms from the click to the ready composer; clicks the launcher first unless the probe did. */
async function clickToReady(page: Page, clicked = false): Promise<{ ms: number; appBeforeClick: boolean }> {
  if (!clicked) await page.getByTestId('launcher').click();
  await until(page, 'readyAt');
  const s = await probe(page);
  return { ms: s.readyAt! - s.clickAt!, appBeforeClick: s.appBeforeClick ?? false };
}

interface Samples {
  baseContent: number[];
  baseHeap: number[];
  baseLongTasks: number[];
  content: number[];
  launcher: number[];
  bytes: number[];
  longTasks: number[];
  longTaskMs: number[];
  cls: number[];
  heap: number[];
  cold: number[];
  warm: number[];
  loaded: number[];
  /** Cold or warm runs in which the app had already been fetched when the click came. */
  notCold: number;
}

async function measure(browser: Browser, site: { plain: string; widget: string }, runs: number, network?: NetworkProfile): Promise<Samples> {
  const s: Samples = { baseContent: [], baseHeap: [], baseLongTasks: [], content: [], launcher: [], bytes: [], longTasks: [], longTaskMs: [], cls: [], heap: [], cold: [], warm: [], loaded: [], notCold: 0 };
  for (let run = 0; run < runs; run++) {
    // The page without the widget.
    const base = await open(browser, site.plain, network);
    await until(base.page, 'contentAt');
    await base.page.waitForLoadState('networkidle');
    s.baseHeap.push(await base.cdp.heapUsed());
    const b = await probe(base.page);
    s.baseContent.push(b.contentAt!);
    s.baseLongTasks.push(b.longTasks.length);
    await base.close();

    // The same page with the script tag, left alone until the app was fetched on idle, then opened.
    const idle = await open(browser, site.widget, network);
    await until(idle.page, 'launcherAt');
    await until(idle.page, 'contentAt');
    const w = await probe(idle.page);
    s.launcher.push(w.launcherAt!);
    s.content.push(w.contentAt!);
    s.bytes.push(idle.cdp.scriptBytesBefore(w.launcherAt!));
    await appFetched(idle.page);
    await idle.page.waitForLoadState('networkidle');
    s.heap.push(await idle.cdp.heapUsed());
    const settled = await probe(idle.page);
    s.longTasks.push(settled.longTasks.length);
    s.longTaskMs.push(settled.longTasks.reduce((n, d) => n + d, 0));
    s.cls.push(settled.cls);
    s.loaded.push((await clickToReady(idle.page)).ms);
    await idle.close();

    // First visit, clicked as soon as the launcher shows; then the next page load of the same visitor.
    const cold = await open(browser, site.widget, network, true);
    for (const into of [s.cold, s.warm]) {
      if (into === s.warm) await cold.page.reload({ waitUntil: 'load' });
      const { ms, appBeforeClick } = await clickToReady(cold.page, true);
      into.push(ms);
      if (appBeforeClick) s.notCold++;
    }
    await cold.close();
  }
  return s;
}

function figures(s: Samples, suffix: string, where: string, runs: number): Figure[] {
  const note = `median of ${runs}${where}`;
  const max = (xs: number[]) => Math.max(...xs);
  return [
    { id: `host.launcher-delta${suffix}`, label: `launcher visible after the plain page's content${where}`, value: median(s.launcher) - median(s.baseContent), unit: 'ms', note: `${median(s.launcher).toFixed(0)} − ${median(s.baseContent).toFixed(0)} ms, ${note}` },
    { id: `host.content-delta${suffix}`, label: `host content later than without the widget${where}`, value: median(s.content) - median(s.baseContent), unit: 'ms', note },
    { id: `host.js-before-launcher${suffix}`, label: `JS bytes before the launcher${where}`, value: median(s.bytes), unit: 'bytes', note: 'on the wire' },
    { id: `host.long-tasks${suffix}`, label: `long tasks on the host page${where}`, value: median(s.longTasks), unit: 'count', note: `max ${max(s.longTasks)}, without widget ${median(s.baseLongTasks)}, load + idle app fetch` },
    { id: `host.long-task-ms${suffix}`, label: `long tasks, total${where}`, value: median(s.longTaskMs), unit: 'ms', note },
    { id: `host.cls${suffix}`, label: `layout shift (CLS)${where}`, value: median(s.cls), unit: 'ratio', note: `max ${max(s.cls).toFixed(4)}` },
    { id: `host.heap-delta${suffix}`, label: `JS heap over the plain page${where}`, value: median(s.heap) - median(s.baseHeap), unit: 'bytes', note: 'app fetched on idle, after GC' },
    { id: `panel.cold${suffix}`, label: `click to ready panel, cold${where}`, value: median(s.cold), unit: 'ms', note: `first visit, clicked at first sight, ${note}${s.notCold ? `; app already there in ${s.notCold} cold/warm runs` : ''}` },
    { id: `panel.warm${suffix}`, label: `click to ready panel, warm${where}`, value: median(s.warm), unit: 'ms', note: `next page load (HTTP cache), ${note}` },
    { id: `panel.loaded${suffix}`, label: `click to ready panel, app loaded${where}`, value: median(s.loaded), unit: 'ms', note },
  ];
}

let serverOrigin = '';
const site = await serveHostSite(() => serverOrigin);
const server = await startTestServer({ ...HUMAN_ONLY, log: false, allowedOrigins: [site.origin] });
serverOrigin = server.origin;
const browser = await launchChromium();
try {
  const runs = envCount('BENCH_RUNS', 7);
  report(...figures(await measure(browser, site, runs), '', '', runs));
  const slowRuns = envCount('BENCH_SLOW_RUNS', 3);
  report(...figures(await measure(browser, site, slowRuns, SLOW_4G), '.slow4g', `, ${SLOW_4G.name}`, slowRuns));
} finally {
  await browser.close();
  await server.close();
  await site.close();
}
