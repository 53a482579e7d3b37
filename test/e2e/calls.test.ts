import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../contract/support.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { openChat, signIn, type Side } from './two-sides.ts';

// Issue 6 in real Chromium: the visitor calls from the widget on the demo site, the agent
// answers in the console; media flows peer to peer between the two pages (fake devices).
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Keeps every `RTCPeerConnection` the page makes on `window.__pcs`, to read its state and stats. */
const RECORD_PEERS = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})();`;

interface PeerReading {
  state: string;
  audio: number;
  video: number;
}

/** The newest peer connection's state and inbound RTP bytes per kind. */
function readPeer(page: Page): Promise<PeerReading | null> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    const pc = pcs[pcs.length - 1];
    if (!pc) return null;
    let audio = 0;
    let video = 0;
    (await pc.getStats()).forEach((report: { type: string; kind?: string; bytesReceived?: number }) => {
      if (report.type !== 'inbound-rtp') return;
      if (report.kind === 'audio') audio += report.bytesReceived ?? 0;
      if (report.kind === 'video') video += report.bytesReceived ?? 0;
    });
    return { state: pc.connectionState, audio, video };
  });
}

async function side(browser: Browser): Promise<Side> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await context.addInitScript(RECORD_PEERS);
  return { context, ...(await openPage(context)) };
}

describe('voice and video calls', () => {
  let server: TestServer;
  let browser: Browser;
  let visitor: Side;
  let agent: Side;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ tenantSettings: { aiRouting: 'human_only' }, callRingTimeoutMs: 3000 }),
      launchChromium(FAKE_MEDIA),
    ]);
    [visitor, agent] = await Promise.all([side(browser), side(browser)]);
    await signIn(agent.page, server.origin);
    await openChat(visitor.page, server.origin);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('connects a video call the agent accepts, with audio and video flowing both ways, and ends it for both on hang-up', async () => {
    const page = visitor.page;
    const desk = agent.page;
    await page.getByTestId('call-video').click();
    await page.locator('[data-testid="call-view"][data-phase="ringing"]').waitFor();
    await page.getByTestId('call-local-video').waitFor();

    const ring = desk.getByTestId('incoming-call');
    await ring.waitFor();
    const callId = await ring.getAttribute('data-call-id');
    expect(callId).toBeTruthy();
    await desk.getByTestId('call-accept').click();

    // Both peer connections connect…
    await expect.poll(async () => (await readPeer(page))?.state, { timeout: 20_000 }).toBe('connected');
    await expect.poll(async () => (await readPeer(desk))?.state, { timeout: 20_000 }).toBe('connected');
    await page.locator('[data-testid="call-view"][data-phase="connected"]').waitFor();
    await page.getByTestId('call-remote-video').waitFor();

    // …and on both sides the bytes received keep growing, for audio and for video.
    for (const p of [page, desk]) {
      let first: PeerReading | null = null;
      await expect.poll(async () => ((first = await readPeer(p)), first!.audio > 0 && first!.video > 0), { timeout: 15_000 }).toBe(true);
      const before = first!;
      await expect
        .poll(async () => {
          const now = (await readPeer(p))!;
          return now.audio > before.audio && now.video > before.video;
        }, { timeout: 15_000 })
        .toBe(true);
    }

    // A call of a few seconds (durations are whole seconds), as the visitor's timer shows, so it has a duration to report.
    await page.getByTestId('call-timer').filter({ hasText: /^0:0[2-9]$/ }).waitFor();

    // The agent hangs up: the visitor's call ends too, and the session is over with its duration.
    await desk.getByTestId('call-hangup').click();
    await page.locator('[data-testid="call-view"][data-phase="ended"]').waitFor();
    const api = client(server);
    const token = await api.agentToken();
    const res = await api.call('GET', `/calls/sessions/${callId}`, { token });
    const session = res.body.data.callSession as { status: string; durationSeconds: number | null; endReason: string; answeredAt?: string };
    expect(session.status).toBe('ended');
    expect(session.endReason).toBe('hangup');
    expect(session.answeredAt).toBeTruthy();
    expect(session.durationSeconds).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('call-status').innerText()).toMatch(/^Call ended · \d+:\d\d$/);

    // The conversation shows it as an event line, not a bubble.
    const event = page.getByTestId('call-event');
    await event.waitFor();
    expect(await event.innerText()).toMatch(/^Video call · \d+:\d\d$/);
    await page.getByTestId('call-dismiss').click();
    await page.getByTestId('call-layer').waitFor({ state: 'detached' });
  });

  it('shows a call nobody answers as missed', async () => {
    const page = visitor.page;
    await page.getByTestId('call-voice').click();
    await page.locator('[data-testid="call-view"][data-phase="ringing"]').waitFor();
    await agent.page.getByTestId('incoming-call').waitFor();
    // The server's ring timeout is 3 s here (45 s by default).
    await page.locator('[data-testid="call-view"][data-phase="ended"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('call-status').innerText()).toMatch(/No one answered/);
    await page.getByTestId('call-event').filter({ hasText: 'Missed voice call' }).waitFor();
    await agent.page.getByTestId('incoming-call').waitFor({ state: 'detached' });
    await page.getByTestId('call-dismiss').click();
  });

  it('gives focus to “Return to call” when the call folds away, and back to the call button when it closes', async () => {
    const page = visitor.page;
    const focused = (testId: string) => page.getByTestId(testId).evaluate((el) => (el.getRootNode() as Document | ShadowRoot).activeElement === el);
    await page.getByTestId('call-voice').click();
    await page.locator('[data-testid="call-view"][data-phase="ringing"]').waitFor();
    await page.getByTestId('call-fold').click();
    await expect.poll(() => focused('call-return')).toBe(true);

    await page.getByTestId('call-return').click();
    await page.getByTestId('call-hangup').click();
    await page.getByTestId('call-dismiss').click();
    await expect.poll(() => focused('call-voice')).toBe(true);
  });

  it('hangs up when the call page is left while it rings: the team is not left ringing', async () => {
    const api = client(server);
    const caller = await api.visitorWithConversation();
    const made = await api.call('POST', `/chat/visitor/conversations/${caller.conversationId}/call-links`, { token: caller.token, body: { service: 'voice_call' }, raw: true });
    const phone = await side(browser);
    await phone.page.goto(made.body.data.callLink.url as string);
    await phone.page.getByTestId('call-page-start').click();
    await phone.page.locator('[data-testid="call-view"][data-phase="ringing"]').waitFor();
    const ring = agent.page.locator(`[data-testid="incoming-call"]`).last();
    await ring.waitFor();
    const callId = (await ring.getAttribute('data-call-id'))!;

    await phone.page.goto('about:blank');

    // Cancelled by the page (the ring timeout would say `no_answer`).
    const token = await api.agentToken();
    await expect
      .poll(async () => (await api.call('GET', `/calls/sessions/${callId}`, { token })).body.data.callSession.endReason, { timeout: 10_000 })
      .toBe('cancelled');
    await phone.context.close();
  });

  it('opens a new call link pasted into a call page tab (only the fragment changes), and survives a malformed one', async () => {
    const phone = await side(browser);
    await phone.page.goto(`${server.origin}/call/#bad%E0%A4%A`);
    await phone.page.getByTestId('call-page-refused').waitFor();
    expect(await phone.page.getByTestId('call-page-refused').getAttribute('data-code')).toBe('CALL_LINK_INVALID');

    const api = client(server);
    const caller = await api.visitorWithConversation();
    const made = await api.call('POST', `/chat/visitor/conversations/${caller.conversationId}/call-links`, { token: caller.token, body: { service: 'video_call' }, raw: true });
    await phone.page.goto(made.body.data.callLink.url as string);
    await phone.page.getByTestId('call-page-start').waitFor();
    expect(phone.page.url()).toBe(`${server.origin}/call/`);
    // Only the refused link's 401 in the console: nothing threw.
    expect(phone.errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    await phone.context.close();
  });

  it('opens the call page from a call link, clears the token from the address bar and connects', async () => {
    const api = client(server);
    const caller = await api.visitorWithConversation();
    const made = await api.call('POST', `/chat/visitor/conversations/${caller.conversationId}/call-links`, {
      token: caller.token,
      body: { service: 'video_call' },
      raw: true,
    });
    expect(made.status).toBe(201);
    const url = made.body.data.callLink.url as string;

    const phone = await side(browser);
    await phone.page.goto(url);
    await phone.page.getByTestId('call-page-start').waitFor();
    expect(phone.page.url()).toBe(`${server.origin}/call/`);
    expect(await phone.page.locator('h1').innerText()).toMatch(/^Call /);
    await phone.page.getByTestId('call-page-start').click();

    const ring = agent.page.getByTestId('incoming-call');
    await ring.waitFor();
    await agent.page.getByTestId('call-accept').click();
    await expect.poll(async () => (await readPeer(phone.page))?.state, { timeout: 20_000 }).toBe('connected');
    await phone.page.locator('[data-testid="call-view"][data-phase="connected"]').waitFor();
    await phone.page.getByTestId('call-hangup').click();
    await phone.page.locator('[data-testid="call-view"][data-phase="ended"]').waitFor();
    await agent.page.locator('[data-testid="call-view"][data-phase="ended"]').waitFor();
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('says plainly when a call link is not valid', async () => {
    const phone = await side(browser);
    await phone.page.goto(`${server.origin}/call/#not-a-token`);
    const refused = phone.page.getByTestId('call-page-refused');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('CALL_LINK_INVALID');
    expect(await refused.innerText()).toMatch(/This call link is not valid/);
    await phone.context.close();
  });
});

describe('a call without camera and microphone permission', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    // Fake devices but no fake consent: headless Chromium refuses the permission prompt.
    [server, browser] = await Promise.all([
      startTestServer({ tenantSettings: { aiRouting: 'human_only' } }),
      launchChromium(['--use-fake-device-for-media-stream', '--deny-permission-prompts']),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('explains how to allow the camera and microphone, and creates no call', async () => {
    const context = await browser.newContext();
    const { page } = await openPage(context);
    await openChat(page, server.origin);
    await page.getByTestId('call-video').click();
    const error = page.getByTestId('call-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('CALL_PERMISSION_DENIED');
    expect(await error.innerText()).toMatch(/blocked the camera and microphone\. Allow them for this site/);

    const api = client(server);
    const res = await api.call('GET', '/agent-sdk/calls?status=started,answered,ended,missed,failed', { token: await api.agentToken(), raw: true });
    expect(res.status).toBe(200);
    expect(res.body.data.callSessions).toEqual([]);
    await context.close();
  });
});
