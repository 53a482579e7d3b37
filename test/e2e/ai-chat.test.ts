import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { holdRequests, openPage } from './browser.ts';
import { message, openConversation, signIn, useTwoSides } from './two-sides.ts';

// Issue 5's first "Done when": in ai_first the visitor's questions go to the AI, whose answers
// stream into the panel with their sources; a person takes over when the AI cannot answer or
// the visitor asks for one, and the agent in the console sees the transcript and replies.

const AI_ANSWER = '[data-testid="ai-answer"]';

/** The URL pattern of the AI client's chunk (the built file that calls `ai/visitor/chat`), not the calls' or devices' client. */
function aiClientChunk(): string {
  const dir = new URL('../../dist/widget/chunks/', import.meta.url);
  const file = readdirSync(dir).find((f) => f.startsWith('client-') && readFileSync(new URL(f, dir), 'utf8').includes('ai/visitor/chat'));
  if (!file) throw new Error('Expected the AI client chunk in dist/widget/chunks (run npm run build).');
  return `**/widget/chunks/${file}`;
}
const aiMessage = (page: Page, text?: string | RegExp) => page.locator('[data-testid="message"][data-sender="ai"]', text ? { hasText: text } : {});

/** Opens the demo site's chat in AI mode (the AI chunk loaded: its send button works). */
async function openAiChat(page: Page, origin: string) {
  await page.goto(`${origin}/`);
  await page.getByTestId('launcher').click();
  await page.getByTestId('ai-handoff').waitFor();
}

/** Records every text the streaming bubble shows (a MutationObserver in the widget's shadow root). */
async function recordStream(page: Page) {
  await page.evaluate((selector) => {
    const host = [...document.querySelectorAll('*')].find((el) => el.shadowRoot?.querySelector('[data-testid="panel"]'));
    const root = host!.shadowRoot!;
    const seen: string[] = [];
    (window as unknown as { streamed: string[] }).streamed = seen;
    new MutationObserver(() => {
      const text = root.querySelector(`${selector} .bubble`)?.textContent ?? '';
      if (text && text !== seen.at(-1)) seen.push(text);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  }, AI_ANSWER);
  return () => page.evaluate(() => (window as unknown as { streamed: string[] }).streamed);
}

/** The `data-testid` of what has focus inside the widget. */
const focusedIn = (page: Page) => page.evaluate(() => document.querySelector('ringnity-widget')?.shadowRoot?.activeElement?.getAttribute('data-testid'));

async function ask(page: Page, question: string) {
  await page.getByTestId('composer-input').fill(question);
  await page.getByTestId('send').click();
}

describe('ai_first: the visitor chats with the AI, then with a person', () => {
  const t = useTwoSides({ server: { tenantSettings: { aiRouting: 'ai_first' } } });
  let fullAnswer = '';

  it('streams an answer from the knowledge base into a bubble, with a link to its source', async () => {
    const { page } = t.visitor;
    await openAiChat(page, t.server.origin);
    const streamed = await recordStream(page);
    await ask(page, 'How long does delivery take?');

    const answer = aiMessage(page);
    await answer.waitFor();
    await page.locator(AI_ANSWER).waitFor({ state: 'detached' });
    fullAnswer = (await answer.locator('.bubble').innerText()).trim();
    expect(fullAnswer).toMatch(/working days/);
    // It grew piece by piece before the stored answer replaced it.
    const steps = (await streamed()).filter((s) => s !== '…');
    expect(steps.length).toBeGreaterThan(3);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.startsWith(steps[i - 1]!)).toBe(true);
    expect(steps.at(-1)!.length).toBeLessThanOrEqual(fullAnswer.length + 1);

    const source = answer.getByTestId('ai-source').first();
    const href = await source.getAttribute('href');
    expect(href).toBe(`${t.server.origin}/help/shipping-times`);
    expect((await fetch(href!)).status).toBe(200);
    // Still the AI's turn: "Talk to a person" stays offered.
    expect(await page.getByTestId('ai-handoff').isVisible()).toBe(true);
  });

  it('offers a person for a question the knowledge base cannot answer, and the panel turns to the human chat', async () => {
    const { page } = t.visitor;
    await ask(page, 'What is the airspeed velocity of an unladen swallow?');
    await aiMessage(page, /person/i).waitFor();
    await page.locator('[data-testid="message"][data-sender="system"]').waitFor();
    await page.getByTestId('ai-handoff').waitFor({ state: 'detached' });
    expect(await page.getByTestId('composer-input').getAttribute('placeholder')).toBe('Write a message…');
  });

  it('hands over on "Talk to a person": the agent sees the transcript with the AI label and replies', async () => {
    // A second visitor, who asks for a person after an answer.
    const context = await t.browser.newContext();
    const { page, errors } = await openPage(context);
    await openAiChat(page, t.server.origin);
    await ask(page, 'How do I reset my password?');
    await aiMessage(page).waitFor();
    await page.getByTestId('ai-handoff').click();
    await page.getByTestId('ai-handoff').waitFor({ state: 'detached' });
    // The button went with the AI composer: the person's composer takes the focus (keyboard users type on).
    await expect.poll(() => focusedIn(page)).toBe('composer-input');
    await page.getByTestId('composer-input').fill('Thanks, but I never got the email');
    await page.getByTestId('composer-input').press('Enter');

    const desk = t.agent.page;
    await signIn(desk, t.server.origin);
    await openConversation(desk, 'never got the email');
    const transcript = aiMessage(desk);
    await transcript.waitFor();
    await transcript.getByTestId('ai-label').waitFor();
    await message(desk, 'visitor', 'How do I reset my password?').waitFor();
    await desk.getByTestId('reply-input').fill('Hi! Let me resend it for you.');
    await desk.getByTestId('reply-send').click();

    await message(page, 'agent', 'Let me resend it').waitFor();
    // The AI transcript stays above the person's chat.
    expect(await aiMessage(page).count()).toBe(1);

    // After a reload the conversation is still the person's (read from the transcript).
    await page.reload();
    await page.getByTestId('launcher').click();
    await message(page, 'agent', 'Let me resend it').waitFor();
    await page.locator('[data-testid="composer-input"][placeholder="Write a message…"]').waitFor();
    expect(await page.getByTestId('ai-handoff').count()).toBe(0);
    expect(await aiMessage(page).count()).toBe(1);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('stops a streaming answer: the bubble stops growing and keeps what it showed', async () => {
    const context = await t.browser.newContext();
    const { page, errors } = await openPage(context);
    await openAiChat(page, t.server.origin);
    await ask(page, 'How long does delivery take?');
    await page.getByTestId('ai-stop').click();
    const answer = aiMessage(page);
    await answer.waitFor();
    await page.getByTestId('ai-stop').waitFor({ state: 'detached' });
    const kept = (await answer.locator('.bubble').innerText()).trim();
    expect(kept.length).toBeLessThan(fullAnswer.length);
    expect(fullAnswer.startsWith(kept)).toBe(true);
    // A stopped answer does not hand off: the AI still answers.
    expect(await page.getByTestId('ai-handoff').isVisible()).toBe(true);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('finds help articles as the visitor types and opens one inside the panel, as text', async () => {
    const context = await t.browser.newContext();
    const { page, errors } = await openPage(context);
    await openAiChat(page, t.server.origin);
    await page.getByTestId('help-open').click();
    const searches: string[] = [];
    page.on('request', (r) => r.url().endsWith('/ai/visitor/knowledge/search') && searches.push(r.postData() ?? ''));
    // Typed key by key: the search waits for a pause, and shows the answer to the last words.
    await page.getByTestId('help-input').pressSequentially('how long does delivery take', { delay: 20 });
    const result = page.locator('[data-testid="help-result"][data-article="shipping-times"]');
    await result.waitFor();
    // One search for the pause at the end, not one per key (27 keys).
    expect(searches.length).toBeLessThanOrEqual(2);
    expect(searches.at(-1)).toContain('how long does delivery take');
    expect((await result.innerText()).split('\n').filter(Boolean).length).toBeGreaterThan(1);
    await result.click();
    const article = page.getByTestId('help-article');
    await article.waitFor();
    expect(await article.locator('h3').innerText()).toMatch(/deliver|shipping/i);
    const text = await article.innerText();
    expect(text).toMatch(/working days/);
    // Markdown drawn as text: no markers left, no live links or markup from the article.
    expect(text).not.toContain('**');
    expect(await article.locator('a, img, script, iframe').count()).toBe(0);
    await page.getByTestId('help-back').click();
    await page.getByTestId('help-back').click();
    await page.getByTestId('ai-handoff').waitFor();
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('sends a question typed before the AI code arrived, once it arrives (Enter is never lost)', async () => {
    const context = await t.browser.newContext();
    const { page, errors } = await openPage(context);
    // The AI client (a chunk the composer loads) is held until the visitor has pressed Enter.
    const client = await holdRequests(page, aiClientChunk());
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').click();
    // The AI composer is there (its client chunk still held): Enter goes to the AI, not the team.
    await page.getByTestId('ai-handoff').waitFor();
    await page.getByTestId('composer-input').fill('How long does delivery take?');
    await page.getByTestId('composer-input').press('Enter');
    await expect.poll(() => client.count).toBeGreaterThan(0);
    client.release();
    await message(page, 'visitor', 'How long does delivery take?').waitFor();
    await aiMessage(page, /working days/).waitFor();
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('loads the AI code again when the visitor sends after it failed to load, and sends the question once', async () => {
    const context = await t.browser.newContext();
    const { page, errors } = await openPage(context);
    // The AI client chunk fails once (the network dropped), then loads.
    let failed = 0;
    await page.route(aiClientChunk(), (route) => (failed++ === 0 ? route.abort('failed') : route.fallback()));
    const asked: string[] = [];
    page.on('request', (r) => r.url().includes('/ai/') && r.method() === 'POST' && asked.push(r.url()));
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('ai-handoff').waitFor();
    await page.getByTestId('notice').waitFor();
    await page.getByTestId('composer-input').fill('How long does delivery take?');
    await page.getByTestId('composer-input').press('Enter');
    await aiMessage(page, /working days/).waitFor();
    expect(await message(page, 'visitor', 'How long does delivery take?').count()).toBe(1);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('keeps what the visitor typed, and the focus, when the AI composer takes the place of the first one (the bootstrap came late)', async () => {
    const context = await t.browser.newContext();
    const { page, errors } = await openPage(context);
    // The bootstrap is held: the panel opens with the composer it shows while the routing is unknown.
    const bootstrap = await holdRequests(page, '**/api/sdk/bootstrap*');
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').click();
    const input = page.getByTestId('composer-input');
    await input.fill('How long does delivery take?');
    bootstrap.release();
    await page.getByTestId('ai-handoff').waitFor();
    expect(await input.inputValue()).toBe('How long does delivery take?');
    await expect.poll(() => focusedIn(page)).toBe('composer-input');
    await page.keyboard.press('Enter');
    await message(page, 'visitor', 'How long does delivery take?').waitFor();
    await aiMessage(page, /working days/).waitFor();
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('raised no uncaught error on either side', () => {
    expect(t.visitor.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    expect(t.agent.errors).toEqual([]);
  });
});
