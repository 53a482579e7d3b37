/**
 * The visitor (the demo site with the script tag) and the agent (the console) side by side in
 * one Chromium, against one real server, for the messaging e2e tests.
 */
import zlib from 'node:zlib';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { hooked } from '../helpers/hooked.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';

export interface Side {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export interface TwoSides {
  server: TestServer;
  browser: Browser;
  visitor: Side;
  agent: Side;
  close(): Promise<void>;
}

/**
 * People answer visitors here: the demo tenant's default routing is `ai_first` (the AI answers
 * first), which the messaging tests are not about. The AI tests pass their routing.
 */
export const HUMAN_ONLY = { tenantSettings: { aiRouting: 'human_only' } } as const satisfies TestServerOptions;

export async function openTwoSides(options: TestServerOptions = HUMAN_ONLY): Promise<TwoSides> {
  const [server, browser] = await Promise.all([startTestServer(options), launchChromium()]);
  const side = async (): Promise<Side> => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    return { context, ...(await openPage(context)) };
  };
  const [visitor, agent] = await Promise.all([side(), side()]);
  return {
    server,
    browser,
    visitor,
    agent,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** How {@link useTwoSides} readies the two sides before a file's tests. */
export interface TwoSidesSetup {
  /** The server's options. @default HUMAN_ONLY */
  server?: TestServerOptions;
  /** Sign the agent in to the console (before the visitor opens the chat, so it gets the visitor's messages live). @default false */
  signIn?: boolean;
  /** Open the demo site and the chat panel on the visitor's side. @default false */
  openChat?: boolean;
}

/**
 * The two sides for one file, readied as `setup` says in `beforeAll` and closed in `afterAll`,
 * as a stable stand-in ({@link hooked}): a file keeps it in a `const t` and its tests read
 * `t.visitor`, `t.server`… as before.
 */
export function useTwoSides(setup: TwoSidesSetup = {}): TwoSides {
  return hooked({
    name: 'the two sides',
    async open() {
      const t = await openTwoSides(setup.server);
      try {
        if (setup.signIn) await signIn(t.agent.page, t.server.origin);
        if (setup.openChat) await openChat(t.visitor.page, t.server.origin);
      } catch (error) {
        // Not handed over, so not closed by the stand-in: closed here, not left running.
        await t.close();
        throw error;
      }
      return t;
    },
    close: (t) => t.close(),
  });
}

/** Opens the demo site and the chat panel. */
export async function openChat(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByTestId('launcher').click();
  await page.getByTestId('composer-input').waitFor();
}

export async function sendText(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

/** Signs in to the console as demo/demo. */
export async function signIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/console`);
  await page.getByTestId('login-username').fill('demo');
  await page.getByTestId('login-password').fill('demo');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor();
}

/** Opens, in the console, the conversation whose preview contains `text`. */
export async function openConversation(page: Page, text: string): Promise<void> {
  const item = page.getByTestId('conversation-item').filter({ hasText: text });
  await item.waitFor();
  await item.click();
}

export const message = (page: Page, sender: 'visitor' | 'agent', text?: string): Locator =>
  page.locator(`[data-testid="message"][data-sender="${sender}"]`, text ? { hasText: text } : {});

/** A real PNG of about `bytes` bytes (noise, stored uncompressed), so it decodes as an image. */
export function noisePng(bytes: number): Buffer {
  const width = 1024;
  const height = Math.max(1, Math.round(bytes / (width * 3 + 1)));
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  for (let y = 0; y < height; y++) raw[y * (width * 3 + 1)] = 0; // filter byte: none
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Records every value the visitor's upload progress bar shows (0…1), polled each frame inside
 * the widget's shadow root; read them with {@link progressSeen}.
 */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __progress: number[] }).__progress = seen;
    const tick = () => {
      const root = document.querySelector('ringnity-widget')?.shadowRoot;
      for (const bar of root?.querySelectorAll<HTMLProgressElement>('[data-testid="upload-progress"]') ?? []) {
        if (seen[seen.length - 1] !== bar.value) seen.push(bar.value);
      }
      requestAnimationFrame(tick);
    };
    tick();
  });
}

export const progressSeen = (page: Page): Promise<number[]> =>
  page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);

/** Headers for the agent API as the demo agent (the console's sign-in), for tests that answer or read without the console. */
export async function agentHeaders(server: Pick<TestServer, 'origin'>): Promise<Record<string, string>> {
  const login = await fetch(`${server.origin}/demo/agent-login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo' }),
  });
  const token = ((await login.json()) as { data: { token: string } }).data.token;
  return { 'Content-Type': 'application/json', 'X-Ringnity-SDK-Session': token };
}
