/**
 * The agent's side of calls in the console, in Chromium with fake devices: a call link sent
 * into the chat, an agent whose browser blocks the microphone (told why, the call still rings
 * for the team), and a voice call with its controls, ended by the visitor. (The video call with
 * media flowing both ways is in calls.test.ts.)
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { openChat, openConversation, sendText, signIn, type Side } from './two-sides.ts';

const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

describe('calls in the agent console', () => {
  let server: TestServer;
  let allowed: Browser;
  let blocked: Browser;
  let visitor: Side;
  let agent: Side;
  let refuser: Side;

  beforeAll(async () => {
    [server, allowed, blocked] = await Promise.all([
      startTestServer({ tenantSettings: { aiRouting: 'human_only' } }),
      launchChromium(FAKE_MEDIA),
      // Fake devices but no consent: this agent's browser refuses the microphone.
      launchChromium(['--use-fake-device-for-media-stream', '--deny-permission-prompts']),
    ]);
    const side = async (browser: Browser): Promise<Side> => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      return { context, ...(await openPage(context)) };
    };
    [visitor, agent, refuser] = await Promise.all([side(allowed), side(allowed), side(blocked)]);
    await Promise.all([signIn(agent.page, server.origin), signIn(refuser.page, server.origin), openChat(visitor.page, server.origin)]);
    await sendText(visitor.page, 'Can we talk?');
    await openConversation(agent.page, 'Can we talk?');
  });

  afterAll(async () => {
    await allowed?.close();
    await blocked?.close();
    await server?.close();
  });

  it('sends the visitor a call link they can open, which the agent sees without the URL', async () => {
    await agent.page.getByTestId('send-call-link-video').click();
    const link = visitor.page.locator(`a[href^="${server.origin}/call/#"]`);
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(/\/call\/#[\w-]+\.[\w-]+\.[\w-]+$/);
    // The token would open the call as the visitor: the console neither shows nor links it.
    const sent = agent.page.getByTestId('call-link-sent');
    await sent.waitFor();
    expect(await sent.innerText()).toMatch(/^Video call link sent \(expires \d{1,2}:\d\d.*\)$/);
    expect(await agent.page.locator('a[href*="/call/#"]').count()).toBe(0);
    expect(await agent.page.locator('body').innerText()).not.toContain('/call/#');
  });

  it('tells an agent whose browser blocks the microphone why, and the call rings on for the team', async () => {
    await visitor.page.getByTestId('call-voice').click();
    const card = refuser.page.getByTestId('incoming-call');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/Incoming voice call from Visitor #\d+/);
    await refuser.page.getByTestId('call-accept').click();
    await refuser.page.locator('[data-testid="call-view"][data-phase="ended"]').waitFor();
    expect(await refuser.page.getByTestId('call-notice').innerText()).toMatch(/blocked your microphone or camera\. Allow them for this site/);
    expect(await card.count()).toBe(1);

    // Another agent answers: the call stops ringing on the first console.
    await agent.page.getByTestId('call-accept').click();
    await agent.page.locator('[data-testid="call-view"][data-phase="connected"]').waitFor({ timeout: 20_000 });
    await card.waitFor({ state: 'detached' });
  });

  it('runs a voice call with a timer and a mute toggle, and says when the visitor hung up', async () => {
    const page = agent.page;
    await page.getByTestId('call-timer').waitFor();
    expect(await page.getByTestId('call-camera').count()).toBe(0);
    const mute = page.getByTestId('call-mute');
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('call-microphone').waitFor();

    await visitor.page.getByTestId('call-hangup').click();
    await page.locator('[data-testid="call-view"][data-phase="ended"]').waitFor();
    expect(await page.getByTestId('call-notice').innerText()).toBe('The visitor hung up.');
    const event = page.getByTestId('call-event');
    await event.waitFor();
    expect(await event.innerText()).toMatch(/Voice call · \d+:\d\d/);
    await page.getByTestId('call-dismiss').click();
    await page.getByTestId('call-view').waitFor({ state: 'detached' });
  });
});
