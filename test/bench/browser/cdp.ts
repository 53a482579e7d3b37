/**
 * The Chrome DevTools Protocol parts of a browser bench: CPU and network throttling, script
 * bytes on the wire, and the JS heap after a garbage collection.
 */
import type { CDPSession, Page } from 'playwright-core';

/** A network profile for `Network.emulateNetworkConditions`; `undefined` is loopback as is. */
export interface NetworkProfile {
  name: string;
  /** Round-trip latency added, ms. */
  latency: number;
  /** Bytes per second. */
  down: number;
  up: number;
}

/** "Slow 4G"-ish, as issue 9 asks: 400 ms RTT, 400 kbit/s down. */
export const SLOW_4G: NetworkProfile = { name: 'slow 4G', latency: 400, down: 400_000 / 8, up: 400_000 / 8 };

/** The CPU slow-down every browser figure is taken under (DESIGN §6). */
export const CPU_THROTTLE = 4;

/** Opens a CDP session on `page` with the CPU (and network) throttled and script bytes counted. */
export async function instrument(page: Page, network?: NetworkProfile): Promise<Instrumented> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE });
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable');
  if (network) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: network.latency, downloadThroughput: network.down, uploadThroughput: network.up });
  }
  return new Instrumented(cdp);
}

interface ScriptLoad {
  /** Body bytes as transferred (compressed if the server compressed). */
  bytes: number;
  /** CDP monotonic time (s) the last byte arrived. */
  finishedAt: number;
}

export class Instrumented {
  private readonly scripts = new Map<string, { headers: number; finishedAt?: number; bytes?: number }>();
  /** CDP monotonic time (s) of the first document request: the page's navigation start, near enough. */
  private navigationAt: number | undefined;

  constructor(readonly cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.type === 'Document' && this.navigationAt === undefined) this.navigationAt = e.timestamp;
    });
    cdp.on('Network.responseReceived', (e) => {
      if (e.type === 'Script') this.scripts.set(e.requestId, { headers: e.response.encodedDataLength });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const s = this.scripts.get(e.requestId);
      // loadingFinished counts headers and body; the response event counted the headers alone.
      if (s) Object.assign(s, { finishedAt: e.timestamp, bytes: e.encodedDataLength - s.headers });
    });
  }

  /** Script body bytes that finished arriving before `pageMs` (ms since navigation start). */
  scriptBytesBefore(pageMs: number): number {
    if (this.navigationAt === undefined) return Number.NaN;
    const limit = this.navigationAt + pageMs / 1000;
    return [...this.scripts.values()]
      .filter((s): s is ScriptLoad & { headers: number } => s.finishedAt !== undefined && s.finishedAt <= limit)
      .reduce((n, s) => n + s.bytes, 0);
  }

  /** JS heap in use after a full garbage collection, bytes. */
  async heapUsed(): Promise<number> {
    await this.cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
  }
}
