/**
 * Attachment links: only the server's own file links are handed to the page, and expiring ones
 * are replaced with fresh ones before they stop working. Faults are planted in the history the
 * real server answers with.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../src/contract/extensions.ts';
import { createMemoryStorage, type ChatMessage } from '../../../src/index.ts';
import { startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';
import { pngOfSize } from '../../contract/fixtures/files.ts';

const real = useRealServer();
const { runtimes } = real;

/** A real PNG header (the server reads the bytes), `size` bytes long. */
const png = pngOfSize;
type Planted = { url?: string; expiresAt?: string; name?: string };
const fileOf = (m: Message) => m.metadata?.attachment as Planted | undefined;

/** A `fetch` whose history reads (`GET …/messages`) pass each message through `plant` first. */
const planting =
  (plant: (m: Message) => void): typeof fetch =>
  async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if ((init?.method ?? 'GET') !== 'GET' || !/\/messages(\?|$)/.test(String(input))) return response;
    const envelope = (await response.json()) as { data: { messages: Message[] } };
    envelope.data.messages.forEach(plant);
    return new Response(JSON.stringify(envelope), { status: response.status, headers: { 'content-type': 'application/json' } });
  };

/** A conversation with a text and two images; its storage resumes it in another runtime. */
async function withImages() {
  const storage = createMemoryStorage();
  const { runtime, id } = await startVisitor(real.server, 'Hi', { storage });
  runtimes.push(runtime);
  for (const name of ['one.png', 'two.png']) await runtime.conversation.sendFile(png(800), name).done;
  runtime.destroy();
  return { storage, id };
}
const byBody = (list: readonly ChatMessage[], body: string) => list.find((m) => m.body === body || m.attachment?.name === body);

describe('attachment links the runtime hands out', () => {
  it('keeps only http(s) links under the API’s attachments/, on attachment messages', async () => {
    const { storage } = await withImages();
    const { runtime } = await startVisitor(real.server, undefined, {
      storage,
      fetch: planting((m) => {
        const file = fileOf(m);
        if (file?.name === 'one.png') file.url = 'javascript:alert(document.domain)//';
        if (file?.name === 'two.png') file.url = file.url!.replace(/^http:\/\/[^/]+/, 'https://evil.example');
        if (m.body === 'Hi') m.metadata = { attachment: { attachmentId: 'a1', name: 'x.png', kind: 'image', size: 1, contentType: 'image/png', url: `${real.server.baseUrl}/attachments/a1` } };
      }),
    });
    runtimes.push(runtime);
    const list = runtime.conversation.messages.value;
    for (const body of ['one.png', 'two.png']) {
      expect(byBody(list, body)?.attachment).toMatchObject({ name: body, kind: 'image' });
      expect(byBody(list, body)?.attachment?.url).toBeUndefined();
    }
    expect(byBody(list, 'Hi')?.attachment?.url).toBeUndefined();

    // The server's own links stay.
    const { runtime: plain } = await startVisitor(real.server, undefined, { storage });
    runtimes.push(plain);
    expect(byBody(plain.conversation.messages.value, 'one.png')?.attachment?.url?.startsWith(`${real.server.baseUrl}/attachments/`)).toBe(true);
  });

  it('reads the messages again before the first link expires and shows the fresh link', async () => {
    const { storage } = await withImages();
    // Until `fresh`, every read gives a link that expires 1 s after the runtime's 5 min margin.
    let fresh = false;
    const soon = new Date(Date.now() + 301_000).toISOString();
    const { runtime } = await startVisitor(real.server, undefined, {
      storage,
      fetch: planting((m) => {
        const file = fileOf(m);
        if (!file || fresh) return;
        file.url = `${file.url}&old=1`;
        file.expiresAt = soon;
      }),
    });
    runtimes.push(runtime);
    const link = () => byBody(runtime.conversation.messages.value, 'one.png')?.attachment?.url;
    expect(link()).toMatch(/&old=1$/);
    fresh = true;
    await vi.waitFor(() => expect(link()).not.toMatch(/&old=1$/), { timeout: 5000 });
    expect((await fetch(link()!)).status).toBe(200);
  });

  it('refreshes the links on demand (a file that failed to load)', async () => {
    const { storage } = await withImages();
    let fresh = false;
    const { runtime } = await startVisitor(real.server, undefined, {
      storage,
      fetch: planting((m) => {
        const file = fileOf(m);
        if (file && !fresh) file.url = `${file.url}&old=1`;
      }),
    });
    runtimes.push(runtime);
    const link = () => byBody(runtime.conversation.messages.value, 'two.png')?.attachment?.url;
    expect(link()).toMatch(/&old=1$/);
    fresh = true;
    await runtime.conversation.refreshAttachments();
    expect(link()).not.toMatch(/&old=1$/);
  });
});
