/**
 * Issue 8 item 8 in real Chromium: the widget and the console show shared files through the
 * files origin (the API only redirects), hostile names reach neither UI with their bidi
 * overrides, and a file opened on its own (the worst case: a visitor opens the link in a tab)
 * never runs script, whatever it contains. Needs a fresh `npm run build`.
 */
import type { Response as PwResponse } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { message, noisePng, openChat, openConversation, sendText, signIn, useTwoSides } from '../e2e/two-sides.ts';
import { client } from '../contract/support.ts';
import { PDF } from '../contract/fixtures/files.ts';

const t = useTwoSides();
let api: ReturnType<typeof client>;
/** URLs any page asked for that a payload would hit if its script ran. */
const pwned: string[] = [];

beforeAll(async () => {
  api = client(t.server);
  for (const side of [t.visitor, t.agent]) side.context.on('request', (r) => void (r.url().includes('pwned') && pwned.push(r.url())));
  await signIn(t.agent.page, t.server.origin);
  await openChat(t.visitor.page, t.server.origin);
});

const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('files in the widget and the console come from the files origin', () => {
  it('a visitor image shows on both sides, its bytes answered by the files origin', async () => {
    const fromFiles: PwResponse[] = [];
    for (const side of [t.visitor, t.agent]) {
      side.page.on('response', (r) => void (new URL(r.url()).origin === t.server.filesOrigin && fromFiles.push(r)));
    }
    const { page } = t.visitor;
    await sendText(page, 'Here is the receipt');
    await openConversation(t.agent.page, 'Here is the receipt');
    await page.getByTestId('attach-input').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: noisePng(20 * 1024) });
    for (const side of [page, t.agent.page]) {
      // The widget's thumbnail is a button around the image, the console's is the image itself.
      const thumb = message(side, 'visitor').locator('img[data-testid="thumbnail"], [data-testid="thumbnail"] img');
      await thumb.waitFor();
      await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      // The link in the page is the API's (what every client trusts); the bytes came from the files origin.
      expect(new URL((await thumb.getAttribute('src')) ?? '').origin).toBe(t.server.origin);
    }
    await expect.poll(() => fromFiles.filter((r) => r.status() === 200 && r.headers()['content-type'] === 'image/png').length).toBeGreaterThanOrEqual(2);
    for (const r of fromFiles) {
      expect(r.headers()['x-content-type-options']).toBe('nosniff');
      expect(r.headers()['content-security-policy']).toBe("default-src 'none'; sandbox");
    }
  });

  it('a name with right-to-left overrides reaches the console and the confirmed widget message without them', async () => {
    const { page } = t.visitor;
    await page.getByTestId('attach-input').setInputFiles({ name: 'invoice\u202Efdp.exe\u2066.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
    const card = message(t.agent.page, 'visitor').getByTestId('file-card').filter({ hasText: 'invoice' });
    await card.waitFor();
    const shown = await card.locator('.file-name').textContent();
    expect(shown).toBe('invoicefdp.exe.pdf');
    expect(shown).not.toMatch(BIDI);
    expect(await card.getAttribute('download')).not.toMatch(BIDI);
    const mine = message(page, 'visitor').getByTestId('file-card').filter({ hasText: 'invoicefdp' });
    await mine.waitFor();
    expect(await mine.locator('.file-name').textContent()).not.toMatch(BIDI);
  });
});

describe('a file opened on its own runs nothing', () => {
  it('a GIF/HTML polyglot renders as an image on the files origin; text with script downloads; no payload runs', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/attachments/upload`;
    const payload = `<script>fetch('/pwned-script');location='/pwned-nav'</script><img src=x onerror="fetch('/pwned-img')">`;
    const polyglot = new Uint8Array(Buffer.from(`GIF89a\x01\x00\x01\x00${payload}`, 'binary'));
    const gif = await api.upload(path, v.token, { name: 'cat.gif', type: 'text/html', bytes: polyglot });
    const text = await api.upload(path, v.token, { name: 'notes.txt', type: 'text/plain', bytes: new Uint8Array(Buffer.from(`notes\n${payload}`)) });
    expect([gif.status, gif.body.data.attachment.contentType, text.status, text.body.data.attachment.contentType]).toEqual([201, 'image/gif', 201, 'text/plain']);

    const tab = await t.visitor.context.newPage();
    const opened = await tab.goto(gif.body.data.attachment.url as string);
    expect(opened?.status()).toBe(200);
    expect(new URL(tab.url()).origin).toBe(t.server.filesOrigin);
    expect(await tab.evaluate(() => document.contentType)).toBe('image/gif');
    expect(await tab.evaluate(() => document.querySelectorAll('script, iframe, object').length)).toBe(0);

    const download = tab.waitForEvent('download');
    await tab.goto(text.body.data.attachment.url as string).catch(() => undefined); // "Download is starting"
    expect((await download).suggestedFilename()).toBe('notes.txt');
    await tab.close();
    expect(pwned).toEqual([]);
  });
});
