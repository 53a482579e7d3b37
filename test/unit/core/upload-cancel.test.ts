/**
 * Cancelling a file before its bytes went up, or once they are up but before its message is
 * sent: nothing reaches the agent (through the fetch path, as under Node or a custom `fetch`).
 */
import { describe, expect, it, vi } from 'vitest';
import { xhrTransport } from '../../../src/uploads/xhr.ts';
import type { FileSend } from '../../../src/index.ts';
import { startVisitor } from './visitor.ts';
import { useRealServer } from './real-server.ts';
import { pngOfSize } from '../../contract/fixtures/files.ts';

const real = useRealServer();
const { runtimes } = real;

/** A real PNG header (the server reads the bytes), `size` bytes long. */
const png = pngOfSize;
const urlOf = (input: Parameters<typeof fetch>[0]) => String(input instanceof Request ? input.url : input);
const visitorTypes = async (id: string) => (await real.agent.messages(id)).filter((m) => m.senderType === 'visitor').map((m) => m.messageType ?? 'text');

describe('cancelling a file before it is sent', () => {
  it('uploads and sends nothing when cancelled while its conversation is being created', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let creating = false;
    const uploads: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = urlOf(input);
      if (url.endsWith('/attachments/upload')) uploads.push(url);
      if (init?.method === 'POST' && url.endsWith('/chat/visitor/conversations')) {
        creating = true;
        await held;
      }
      return globalThis.fetch(input, init);
    };
    const { runtime } = await startVisitor(real.server, undefined, { fetch });
    runtimes.push(runtime);
    const sending = runtime.conversation.sendFile(png(1000), 'first.png');
    await vi.waitFor(() => expect(creating).toBe(true));
    sending.cancel();
    release();
    await expect(sending.done).resolves.toBeNull();

    await runtime.conversation.send('No photo after all');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['sent']));
    expect(uploads).toEqual([]);
    expect(await visitorTypes(runtime.conversation.id.value!)).toEqual(['text']);
  });

  it('does not send the message when cancelled after the upload finished', async () => {
    let sending: FileSend | undefined;
    const sends: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = urlOf(input);
      if (init?.method === 'POST' && String(init.body).includes('attachmentId')) sends.push(url);
      const response = await globalThis.fetch(input, init);
      if (!url.endsWith('/attachments/upload')) return response;
      // The bytes are up; the visitor cancels before the message goes.
      const body = await response.text();
      sending?.cancel();
      return new Response(body, { status: response.status, headers: { 'content-type': 'application/json' } });
    };
    const { runtime, id } = await startVisitor(real.server, 'Hi', { fetch });
    runtimes.push(runtime);
    sending = runtime.conversation.sendFile(png(1000), 'late.png');
    await expect(sending.done).resolves.toBeNull();

    await runtime.conversation.send('Never mind');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['sent', 'sent']));
    expect(sends).toEqual([]);
    expect(await visitorTypes(id)).toEqual(['text', 'text']);
  });
});

describe('the XMLHttpRequest transport', () => {
  it('rejects at once, sending nothing, when the upload was cancelled before it started', async () => {
    // Node has no XMLHttpRequest: a stand-in that records what would have gone out.
    const opened: string[] = [];
    vi.stubGlobal(
      'XMLHttpRequest',
      class {
        upload = {};
        open = (method: string, url: string) => opened.push(`${method} ${url}`);
        setRequestHeader() {}
        send = () => opened.push('sent');
        abort() {}
      },
    );
    try {
      const controller = new AbortController();
      controller.abort();
      const upload = xhrTransport({ url: `${real.server.baseUrl}/x`, headers: {}, body: new FormData(), signal: controller.signal, onProgress: () => undefined });
      await expect(upload).rejects.toThrow();
      expect(opened).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
