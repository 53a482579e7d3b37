import { describe, expect, it } from 'vitest';
import { message, noisePng, openConversation, progressSeen, recordProgress, sendText, useTwoSides } from './two-sides.ts';

// Issue 3 in real Chromium: the visitor on the demo site, the agent in the console, one server.
describe('complete visitor messaging', () => {
  // The console is open first, so it receives the visitor's messages live (and marks them delivered).
  const t = useTwoSides({ signIn: true, openChat: true });

  it('shows read ticks on the visitor message only after the agent opened the conversation', async () => {
    const { page } = t.visitor;
    await sendText(page, 'Do you have the Fjell 45 in green?');
    const mine = message(page, 'visitor', 'Fjell 45 in green');
    // Delivered as soon as the console got it, not read: nobody looked yet.
    await mine.and(page.locator('[data-state="delivered"]')).waitFor();
    expect(await mine.getAttribute('data-state')).toBe('delivered');

    await openConversation(t.agent.page, 'Fjell 45 in green');
    await mine.and(page.locator('[data-state="read"]')).waitFor();
  });

  it('uploads a 3 MB image with progress and shows it as a thumbnail on both sides', async () => {
    const { page } = t.visitor;
    // Slow the upload down (3 MB at ~2 MB/s), so the progress bar can be seen moving.
    const cdp = await t.visitor.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2_000_000 });
    await recordProgress(page);
    const png = noisePng(3 * 1024 * 1024);
    await page.getByTestId('attach-input').setInputFiles({ name: 'trail.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('upload-progress').waitFor();
    await message(page, 'visitor').getByTestId('thumbnail').waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const seen = await progressSeen(page);
    expect(seen.some((v) => v > 0 && v < 1), `progress values seen: ${seen.join(', ')}`).toBe(true);
    expect(seen.every((v) => v >= 0 && v <= 1)).toBe(true);

    const desk = t.agent.page;
    const thumb = message(desk, 'visitor').getByTestId('thumbnail');
    await thumb.waitFor();
    // The image really decodes on the agent side (served inline with its type).
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1024);

    // The visitor can look at it large, and Escape closes it with focus back on the thumbnail.
    await message(page, 'visitor').getByTestId('thumbnail').click();
    await page.getByTestId('lightbox').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
  });

  it('refuses a 20 MB file with a clear message and sends nothing', async () => {
    const { page } = t.visitor;
    const before = await message(page, 'visitor').count();
    await page.getByTestId('attach-input').setInputFiles({ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(20 * 1024 * 1024, 1) });
    const notice = page.getByTestId('notice');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/huge\.pdf.*20 MB.*up to 10 MB/);
    expect(await message(page, 'visitor').count()).toBe(before);
  });

  it('shows typing on the other side and clears it', async () => {
    const visitor = t.visitor.page;
    const desk = t.agent.page;
    await visitor.getByTestId('composer-input').fill('I was wondering');
    await desk.getByTestId('typing').waitFor();
    await visitor.getByTestId('composer-input').fill('');
    await desk.getByTestId('typing').waitFor({ state: 'detached' });

    await desk.getByTestId('reply-input').fill('Let me check');
    await visitor.getByTestId('typing').waitFor();
    expect(await visitor.getByTestId('typing').innerText()).toMatch(/is typing/);
    await desk.getByTestId('reply-input').press('Enter');
    await message(visitor, 'agent', 'Let me check').waitFor();
    await visitor.getByTestId('typing').waitFor({ state: 'detached' });
    // The visitor has the panel open: the agent's message turns read in the console.
    await message(desk, 'agent', 'Let me check').and(desk.locator('[data-state="read"]')).waitFor();
  });

  it('shows an edit and a delete on the other side without reload', async () => {
    const visitor = t.visitor.page;
    const desk = t.agent.page;
    await sendText(visitor, 'Size 42 please');
    const mine = message(visitor, 'visitor', 'Size 42 please');
    await mine.and(visitor.locator('[data-state="read"]')).waitFor();
    await message(desk, 'visitor', 'Size 42 please').waitFor();

    await mine.getByTestId('message-menu').click();
    await visitor.getByTestId('edit').click();
    await visitor.getByTestId('edit-input').fill('Size 43 please');
    await visitor.getByTestId('edit-input').press('Enter');
    const edited = message(desk, 'visitor', 'Size 43 please');
    await edited.waitFor();
    expect(await edited.innerText()).toMatch(/edited/);

    await message(visitor, 'visitor', 'Size 43 please').getByTestId('message-menu').click();
    await visitor.getByTestId('delete').click();
    await message(desk, 'visitor', 'Message deleted').waitFor();
    await message(visitor, 'visitor', 'Message deleted').waitFor();
    expect(await message(desk, 'visitor', 'Size 43').count()).toBe(0);

    // The agent's own edit reaches the visitor too.
    const reply = message(desk, 'agent', 'Let me check');
    await reply.getByTestId('edit').click();
    await desk.getByTestId('edit-input').fill('Checked: we have it');
    await desk.getByTestId('edit-input').press('Enter');
    await message(visitor, 'agent', 'Checked: we have it').waitFor();
  });

  it('lets the agent attach a file the visitor sees', async () => {
    const desk = t.agent.page;
    await desk.getByTestId('attach-input').setInputFiles({ name: 'size-chart.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
    await message(desk, 'agent').getByTestId('file-card').waitFor();
    const card = message(t.visitor.page, 'agent').getByTestId('file-card');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/size-chart\.pdf/);
  });

  it('follows the agent presence in the widget header', async () => {
    const desk = t.agent.page;
    const availability = t.visitor.page.getByTestId('availability');
    await desk.getByTestId('presence').selectOption('busy');
    await availability.and(t.visitor.page.locator('[data-state="away"]')).waitFor();
    await desk.getByTestId('presence').selectOption('available');
    await availability.and(t.visitor.page.locator('[data-state="online"]')).waitFor();
  });

  it('ends the conversation, takes a rating the console shows, and starts a new one', async () => {
    const visitor = t.visitor.page;
    const desk = t.agent.page;
    await desk.getByTestId('close-conversation').click();
    await visitor.getByTestId('ended').waitFor();
    await visitor.getByTestId('rating-4').click();
    await visitor.getByTestId('rating-comment').fill('Quick and friendly');
    await visitor.getByTestId('rating-submit').click();
    const rating = desk.getByTestId('rating');
    await rating.waitFor();
    expect(await rating.innerText()).toMatch(/★★★★☆[\s\S]*Quick and friendly/);

    await visitor.getByTestId('new-conversation').click();
    await visitor.getByTestId('composer-input').waitFor();
    await sendText(visitor, 'One more question');
    await message(visitor, 'visitor', 'One more question').and(visitor.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]')).waitFor();

    // Both conversations are listed; the old one opens read-only.
    await visitor.getByTestId('past-conversations').click();
    const items = visitor.getByTestId('past-item');
    await items.nth(1).waitFor();
    expect(await items.count()).toBe(2);
    await visitor.locator('[data-testid="past-item"][data-status="closed"]').click();
    await message(visitor, 'visitor', 'Fjell 45 in green').waitFor();
    await visitor.getByTestId('ended').waitFor();
    await visitor.getByTestId('new-conversation').click();
    await message(visitor, 'visitor', 'One more question').waitFor();
  });

  it('counts unread messages on the launcher and blinks the title while the panel is closed', async () => {
    const visitor = t.visitor.page;
    const title = await visitor.title();
    await openConversation(t.agent.page, 'One more question');
    await visitor.getByTestId('close').click();
    await t.agent.page.getByTestId('reply-input').fill('Anything else?');
    await t.agent.page.getByTestId('reply-input').press('Enter');
    const badge = visitor.getByTestId('unread');
    await badge.waitFor();
    expect(await badge.innerText()).toBe('1');
    await visitor.waitForFunction(() => document.title.startsWith('(1) New message'));

    // Looking at it clears both.
    await visitor.getByTestId('launcher').click();
    await badge.waitFor({ state: 'detached' });
    await visitor.waitForFunction((original) => document.title === original, title);
  });

  it('raised no uncaught error on either side', () => {
    expect(t.visitor.errors).toEqual([]);
    expect(t.agent.errors).toEqual([]);
  });
});
