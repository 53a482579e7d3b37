import http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { isRuntimeError, type UploadTransport } from '../../../src/index.ts';
import { startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const { runtimes } = real;

/** A PNG by its signature, `size` bytes long. */
const png = (size: number) => {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Blob([bytes], { type: 'image/png' });
};

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

  it('retries a failed upload with the same key and sends it once', async () => {
    let fail = true;
    const flaky: UploadTransport = (request) => (fail ? Promise.reject(new TypeError('network down')) : nodeTransport(request));
    const { runtime, id } = await startVisitor(real.server, 'Hi', { upload: flaky });
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(2000), 'retry.png');
    expect(isRuntimeError(await sending.done.catch((e: unknown) => e))).toBe(true);
    expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: sending.key, state: 'failed' });
    fail = false;
    await runtime.conversation.retry(sending.key);
    await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: sending.key, state: 'sent', messageType: 'image' }));
    expect((await real.agent.messages(id)).filter((m) => m.messageType === 'image')).toHaveLength(1);
  });
});
