import http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryStorage, isRuntimeError, type UploadTransport } from '../../../src/index.ts';
import { startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';
import { pngOfSize } from '../../contract/fixtures/files.ts';

const real = useRealServer();
const { runtimes } = real;

/** A real PNG header (the server reads the bytes), `size` bytes long. */
const png = pngOfSize;

/**
 * A real HTTP/1.1 upload with node:http, reporting progress as the body's chunks are written
 * (what XMLHttpRequest's upload events report in a browser).
 */
const nodeUpload = (stallAfterFirstChunk = false): UploadTransport => async ({ url, headers, body, signal, onProgress }) => {
  const encoded = new Response(body);
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', signal, headers: { ...headers, 'content-type': encoded.headers.get('content-type')!, 'content-length': bytes.length } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    let sent = 0;
    const chunk = 64 * 1024;
    const write = (): void => {
      if (sent >= bytes.length) return void request.end();
      // Holds the rest back (a slow link), so a cancel surely lands mid-upload.
      if (stallAfterFirstChunk && sent > 0) return;
      const part = bytes.subarray(sent, sent + chunk);
      request.write(part, () => {
        sent += part.length;
        onProgress(sent / bytes.length);
        write();
      });
    };
    write();
  });
};
const nodeTransport = nodeUpload();

describe('sending a file', () => {
  it('shows progress between 0 and 1, then the confirmed attachment message on both sides', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Here is a photo', { upload: nodeTransport });
    runtimes.push(runtime);
    const seen: number[] = [];
    const stop = runtime.conversation.messages.subscribe((list) => {
      const progress = list.find((m) => m.upload)?.upload?.progress;
      if (progress !== undefined && progress !== seen.at(-1)) seen.push(progress);
    });
    const sending = runtime.conversation.sendFile(png(3 * 1024 * 1024), 'photo.png');
    expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: sending.key, state: 'sending', messageType: 'image' });

    const message = await sending.done;
    stop();
    expect(message).toMatchObject({ key: sending.key, state: 'sent', messageType: 'image', attachment: { name: 'photo.png', kind: 'image', contentType: 'image/png', size: 3 * 1024 * 1024 } });
    expect(message?.attachment?.url).toMatch(/^http/);
    // Many steps, rising from 0 to 1 (a 3 MB body in 64 KB chunks).
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // The pending entry became the message: one entry, no upload left.
    expect(runtime.conversation.messages.value.filter((m) => m.key === sending.key)).toEqual([message]);

    const onServer = (await real.agent.messages(id)).at(-1)!;
    expect(onServer).toMatchObject({ messageType: 'image', metadata: { attachment: { name: 'photo.png' } } });
    const file = await fetch(message!.attachment!.url!);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect((await file.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024);
  });

  it('uploads through fetch under Node (no XMLHttpRequest), progress jumping to 1 at the end', async () => {
    const { runtime } = await startVisitor(real.server, 'Hi');
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(new File([png(1000)], 'small.png', { type: 'image/png' }));
    expect(runtime.conversation.messages.value.at(-1)?.upload).toMatchObject({ progress: 0, name: 'small.png' });
    await expect(sending.done).resolves.toMatchObject({ messageType: 'image', attachment: { name: 'small.png' } });
  });

  it('starts the conversation when the file is the first thing sent', async () => {
    const { runtime } = await startVisitor(real.server);
    runtimes.push(runtime);
    expect(runtime.conversation.id.value).toBeNull();
    const message = await runtime.conversation.sendFile(png(500), 'first.png').done;
    const id = runtime.conversation.id.value!;
    expect((await real.agent.messages(id)).map((m) => m.messageId)).toEqual([message?.id]);
  });

  it('refuses a file over the limit with a clear error, keeps it failed for retry, and stores nothing', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Hi');
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(11 * 1024 * 1024), 'huge.png');
    const error = await sending.done.catch((e: unknown) => e);
    expect(isRuntimeError(error) && error.code).toBe('ATTACHMENT_TOO_LARGE');
    expect((error as Error).message).toMatch(/MB/);
    expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: sending.key, state: 'failed', error: { code: 'ATTACHMENT_TOO_LARGE' } });
    expect((await real.agent.messages(id)).map((m) => m.body)).toEqual(['Hi']);
    // Cancelling a failed upload removes it.
    sending.cancel();
    expect(runtime.conversation.messages.value.map((m) => m.body)).toEqual(['Hi']);
  });

  it('cancels an upload in flight: the entry goes, `done` gives null, nothing is sent', async () => {
    const { runtime, id } = await startVisitor(real.server, 'Hi', { upload: nodeUpload(true) });
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(5 * 1024 * 1024), 'big.png');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)?.upload?.progress).toBeGreaterThan(0));
    sending.cancel();
    await expect(sending.done).resolves.toBeNull();
    expect(runtime.conversation.messages.value.map((m) => m.key)).not.toContain(sending.key);
    expect((await real.agent.messages(id)).map((m) => m.messageType ?? 'text')).toEqual(['text']);
  });

  it('keeps trying an upload the network dropped, never showing it failed, and sends it once when the network is back', async () => {
    let drops = 2;
    const flaky: UploadTransport = (request) => (drops-- > 0 ? Promise.reject(new TypeError('network down')) : nodeTransport(request));
    const { runtime, id } = await startVisitor(real.server, 'Hi', { upload: flaky });
    runtimes.push(runtime);
    const states = new Set<string>();
    const stop = runtime.conversation.messages.subscribe((list) => list.forEach((m) => states.add(m.state)));
    const sending = runtime.conversation.sendFile(png(2000), 'retry.png');
    // Two backoff waits (under 1 s, then under 2 s).
    await expect(sending.done).resolves.toMatchObject({ key: sending.key, state: 'sent', messageType: 'image' });
    stop();
    expect(states).not.toContain('failed');
    expect(drops).toBe(-1);
    expect((await real.agent.messages(id)).filter((m) => m.messageType === 'image')).toHaveLength(1);
  });

  it('retries a refused upload only when asked, with the same key, and sends it once', async () => {
    let refuse = true;
    const refusing: UploadTransport = (request) =>
      refuse ? Promise.resolve({ status: 422, body: JSON.stringify({ success: false, code: 'VALIDATION_FAILED', message: 'file: refused' }) }) : nodeTransport(request);
    const { runtime, id } = await startVisitor(real.server, 'Hi', { upload: refusing });
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(2000), 'retry.png');
    expect(isRuntimeError(await sending.done.catch((e: unknown) => e))).toBe(true);
    expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: sending.key, state: 'failed', error: { retryable: false } });
    refuse = false;
    await runtime.conversation.retry(sending.key);
    await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: sending.key, state: 'sent', messageType: 'image' }));
    expect((await real.agent.messages(id)).filter((m) => m.messageType === 'image')).toHaveLength(1);
  });
});

describe('a file under the delivery rules', () => {
  const isAttachmentSend = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    init?.method === 'POST' && /\/messages$/.test(String(input)) && String(init.body).includes('attachmentId');

  it('resends its message (not the file) when the message send is lost, and the server keeps one', async () => {
    let uploads = 0;
    let lost = 2;
    const lossy: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/attachments/upload')) uploads++;
      if (isAttachmentSend(input, init) && lost-- > 0) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const { runtime, id } = await startVisitor(real.server, 'Hi', { fetch: lossy });
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(1500), 'again.png');
    await expect(sending.done).resolves.toMatchObject({ key: sending.key, state: 'sent', messageType: 'image' });
    expect(uploads).toBe(1);
    expect(lost).toBe(-1);
    expect((await real.agent.messages(id)).filter((m) => m.messageType === 'image')).toHaveLength(1);
  });

  it('sends a text typed while a file uploads first, and shows that order from the start', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: UploadTransport = async (request) => (await held, nodeTransport(request));
    const { runtime, id } = await startVisitor(real.server, 'Hi', { upload: slow });
    runtimes.push(runtime);
    const file = runtime.conversation.sendFile(png(1500), 'slow.png');
    await runtime.conversation.send('While it uploads');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.find((m) => m.body === 'While it uploads')?.state).toBe('sent'));
    expect(runtime.conversation.messages.value.map((m) => [m.body || m.upload?.name, m.state])).toEqual([
      ['Hi', 'sent'],
      ['While it uploads', 'sent'],
      ['slow.png', 'sending'],
    ]);
    release();
    await file.done;
    expect((await real.agent.messages(id)).map((m) => m.messageType ?? 'text')).toEqual(['text', 'text', 'image']);
    expect(runtime.conversation.messages.value.map((m) => m.key).at(-1)).toBe(file.key);
  });

  it('uploads after a reload a file that could not go up before the page closed, once, under the same key', async () => {
    const storage = createMemoryStorage();
    const down: UploadTransport = () => Promise.reject(new TypeError('network down'));
    const first = await startVisitor(real.server, 'Hi', { upload: down, storage });
    runtimes.push(first.runtime);
    const sending = first.runtime.conversation.sendFile(png(1200), 'kept.png');
    await vi.waitFor(async () => expect(await storage.get('acme:uploads')).toMatchObject([{ key: sending.key, name: 'kept.png' }]));
    first.runtime.destroy();

    const { runtime } = await startVisitor(real.server, undefined, { upload: nodeTransport, storage });
    runtimes.push(runtime);
    await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: sending.key, state: 'sent', messageType: 'image' }), { timeout: 5_000 });
    expect((await real.agent.messages(first.id)).map((m) => m.messageType ?? 'text')).toEqual(['text', 'image']);
    await vi.waitFor(async () => expect(await storage.get('acme:uploads')).toEqual([]));
    expect(await storage.get(`acme:upload:${sending.key}`)).toBeUndefined();
  });
});

describe('a file whose conversation the agent closes before it is sent', () => {
  const urlOf = (input: Parameters<typeof fetch>[0]) => String(input instanceof Request ? input.url : input);
  /** A fetch that holds the first request `which` picks until `release()`d, and counts uploads. */
  function holding(which: (url: string, init?: RequestInit) => boolean) {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen = { uploads: 0, holding: false };
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = urlOf(input);
      if (url.endsWith('/attachments/upload')) seen.uploads++;
      if (!seen.holding && which(url, init)) {
        seen.holding = true;
        await held;
      }
      return globalThis.fetch(input, init);
    };
    return { fetch, seen, release };
  }
  const onServer = async (id: string) => (await real.agent.messages(id)).map((m) => m.messageType ?? 'text');

  it('uploads the file again into the new conversation when its message meets the closed one', async () => {
    const h = holding((url, init) => init?.method === 'POST' && /\/messages$/.test(url) && String(init.body).includes('attachmentId'));
    const { runtime, id } = await startVisitor(real.server, 'Hi', { fetch: h.fetch });
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(1200), 'closed.png');
    await vi.waitFor(() => expect(h.seen.holding).toBe(true));
    await real.agent.close(id);
    h.release();
    await expect(sending.done).resolves.toMatchObject({ key: sending.key, state: 'sent', messageType: 'image', attachment: { name: 'closed.png' } });
    const fresh = runtime.conversation.id.value!;
    expect(fresh).not.toBe(id);
    expect(await onServer(fresh)).toEqual(['image']);
    expect(await onServer(id)).toEqual(['text']);
    expect(h.seen.uploads).toBe(2);
  });

  it('uploads into a new conversation when the upload itself meets the closed one', async () => {
    const h = holding((url) => url.endsWith('/attachments/upload'));
    const { runtime, id } = await startVisitor(real.server, 'Hi', { fetch: h.fetch });
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(1200), 'late.png');
    await vi.waitFor(() => expect(h.seen.holding).toBe(true));
    await real.agent.close(id);
    h.release();
    await expect(sending.done).resolves.toMatchObject({ key: sending.key, state: 'sent', messageType: 'image' });
    const fresh = runtime.conversation.id.value!;
    expect(fresh).not.toBe(id);
    expect(await onServer(fresh)).toEqual(['image']);
    expect(h.seen.uploads).toBe(2);
  });
});

describe('starting with files kept by an earlier page', () => {
  it('does not wait for the kept files: the runtime starts and sends while they are still being read', async () => {
    const storage = createMemoryStorage();
    // Reading what an earlier page kept never finishes (a slow disk, a chunk that does not come).
    const stuck: typeof storage = { ...storage, get: (key) => (key === 'acme:uploads' ? new Promise(() => undefined) : storage.get(key)) };
    const { runtime } = await startVisitor(real.server, 'Still here', { storage: stuck });
    runtimes.push(runtime);
    expect(runtime.conversation.messages.value.map((m) => [m.body, m.state])).toEqual([['Still here', 'sent']]);
  });
});
