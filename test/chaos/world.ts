/**
 * What most chaos scenarios stand on: the tab site, the real server (allowing the site's
 * origin), Debian Chromium, the fault proxy in front of the server and an agent client.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { hooked } from '../helpers/hooked.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { type ChaosAgent, chaosAgent } from './agent.ts';
import { type ChaosProxy, startProxy } from './proxy.ts';
import { type ChaosSite, startChaosSite } from './site.ts';

export interface ChaosWorld {
  site: ChaosSite;
  server: TestServer;
  browser: Browser;
  proxy: ChaosProxy;
  agent: ChaosAgent;
  /** Closes all of it, browser first. */
  close(): Promise<void>;
}

export async function openChaosWorld(): Promise<ChaosWorld> {
  const site = await startChaosSite();
  const [server, browser] = await Promise.all([startTestServer({ log: false, allowedOrigins: [site.origin] }), launchChromium()]);
  const proxy = await startProxy(server.port);
  const agent = await chaosAgent(server.baseUrl, server.serverApiKey);
  return {
    site,
    server,
    browser,
    proxy,
    agent,
    async close() {
      await browser.close();
      await proxy.close();
      await server.close();
      await site.close();
    },
  };
}

/** The world for one chaos file: opened in `beforeAll`, closed in `afterAll`, as a stable stand-in ({@link hooked}). */
export function useChaosWorld(): ChaosWorld {
  return hooked({ name: 'the chaos world', open: openChaosWorld, close: (world) => world.close() });
}
