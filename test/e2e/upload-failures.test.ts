import { describe, expect, it } from 'vitest';
import { message, openConversation, sendText, useTwoSides } from './two-sides.ts';

const PDF = Buffer.from('%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

// Files that cannot be sent, and a send that failed half-way, in real Chromium against one server.
describe('failed uploads', () => {
  const t = useTwoSides({ signIn: true, openChat: true });

  it('refuses an empty file and a type the tenant does not take before sending anything', async () => {
    const { page } = t.visitor;
    const uploads: string[] = [];
    page.on('request', (request) => request.url().includes('/attachments/upload') && uploads.push(request.url()));
    const notice = page.getByTestId('notice');

    await page.getByTestId('attach-input').setInputFiles({ name: 'empty.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
    await notice.filter({ hasText: '“empty.pdf” is empty.' }).waitFor();

    await page.getByTestId('attach-input').setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ....') });
    await notice.filter({ hasText: '“setup.exe” is a type of file that cannot be sent here.' }).waitFor();

    expect(uploads).toEqual([]);
    expect(await message(page, 'visitor').count()).toBe(0);
  });

  it('offers no Retry for a file the server refused, only a way to remove it', async () => {
    const { page } = t.visitor;
    // Named and typed as a PNG, so only the server (reading the bytes) can tell it is not one.
    await page.getByTestId('attach-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
    const entry = message(page, 'visitor', 'photo.png');
    await entry.and(page.locator('[data-state="failed"]')).waitFor();
    expect(await entry.getByTestId('retry').count()).toBe(0);
    await entry.getByTestId('upload-remove').click();
    await entry.waitFor({ state: 'detached' });
  });

  it('retries a console file send without uploading the file again or posting it twice', async () => {
    const desk = t.agent.page;
    await sendText(t.visitor.page, 'Can you send the size chart?');
    await openConversation(desk, 'size chart');

    const uploads: string[] = [];
    const sends: string[] = [];
    desk.on('request', (request) => {
      if (request.method() !== 'POST') return;
      if (request.url().includes('/attachments/upload')) uploads.push(request.url());
      else if (/\/agent-sdk\/conversations\/[^/]+\/messages$/.test(new URL(request.url()).pathname)) {
        sends.push((request.postDataJSON() as { clientMessageId: string }).clientMessageId);
      }
    });
    // The file is stored, then the message send fails: a refused-looking 503 the server never saw.
    let failing = true;
    await desk.route(/\/agent-sdk\/conversations\/[^/]+\/messages$/, (route) =>
      failing && route.request().method() === 'POST'
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ success: false, code: 'SERVICE_UNAVAILABLE', message: 'Try again shortly.' }) })
        : route.fallback(),
    );

    await desk.getByTestId('attach-input').setInputFiles({ name: 'size-chart.pdf', mimeType: 'application/pdf', buffer: PDF });
    const retry = desk.getByTestId('upload-retry');
    await retry.waitFor();
    failing = false;
    await retry.click();

    await message(desk, 'agent').getByTestId('file-card').waitFor();
    await message(t.visitor.page, 'agent').getByTestId('file-card').waitFor();
    expect(uploads).toHaveLength(1);
    expect(new Set(sends).size).toBe(1);
    expect(sends.length).toBeGreaterThanOrEqual(2);
    expect(await message(desk, 'agent').getByTestId('file-card').count()).toBe(1);
  });

  it('raised no uncaught error on either side', () => {
    // The 503 and the refused upload are logged by the browser as failed requests; nothing else.
    const unexpected = [...t.visitor.errors, ...t.agent.errors].filter((e) => !/Failed to load resource/.test(e));
    expect(unexpected).toEqual([]);
  });
});
