import http from 'node:http';
import { readdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { expectMatchesContract, expectMatchesSchema } from '../helpers/contract-schema.ts';
import { startTestServer } from '../helpers/server.ts';
import { HTML, JPEG, PDF, PNG, SVG_WITH_SCRIPT, TEXT, WEBM_VOICE } from './fixtures/files.ts';
import { connect, trackSockets } from './socket.ts';
import { client, useContractServer } from './support.ts';

const track = trackSockets();

const { server, api } = useContractServer();

const uploadPath = (conversationId: string) => `/chat/visitor/conversations/${conversationId}/attachments/upload`;
const stored = async () => (await readdir(server.uploadDir).catch(() => [] as string[])).sort();

/** Uploads, expecting a refusal, and checks the upload folder did not change. */
async function expectRefused(conversationId: string, token: string, file: Parameters<typeof api.upload>[2], status: number, code: string) {
  const before = await stored();
  const res = await api.upload(uploadPath(conversationId), token, file);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.code).toBe(code);
  expect(await stored()).toEqual(before);
  return res;
}

describe('uploading and sending a file', () => {
  it('stores a PNG, sends it as an image message both sides see, and serves it inline as image/png', async () => {
    const v = await api.visitorWithConversation({ name: 'Pat' });
    const agentSocket = await connect(server.baseUrl, await api.agentToken());
    track(agentSocket);

    const up = await api.upload(uploadPath(v.conversationId), v.token, { name: 'tent.png', type: 'image/png', bytes: PNG });
    expect(up.status).toBe(201);
    const attachment = up.body.data.attachment;
    expectMatchesSchema('ExtAttachment', attachment);
    expect(attachment).toMatchObject({ name: 'tent.png', size: PNG.byteLength, contentType: 'image/png', kind: 'image' });
    expect(await stored()).toHaveLength(1);

    const sent = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      body: { body: '', messageType: 'image', metadata: { attachmentId: attachment.attachmentId }, clientMessageId: 'img-1' },
    });
    expect(sent.status).toBe(201);
    const message = sent.body.data.message;
    expect(message).toMatchObject({ messageType: 'image', body: '', metadata: { attachment: { attachmentId: attachment.attachmentId, name: 'tent.png' } } });
    const frame = await agentSocket.next((f: ServerFrame) => f.type === 'message.created' && f.conversationId === v.conversationId);
    expect(frame).toMatchObject({ message: { messageType: 'image', metadata: { attachment: { kind: 'image', contentType: 'image/png' } } } });

    const file = await fetch(message.metadata.attachment.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toMatch(/^inline; filename="tent.png"/);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PNG);

    const conversation = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}`, { token: v.token });
    expect(conversation.body.data.conversation.lastMessagePreview).toBe('📎 tent.png');
  });

  it('answers a repeated send of the same attachment message with the first message', async () => {
    const v = await api.visitorWithConversation();
    const up = await api.upload(uploadPath(v.conversationId), v.token, { name: 'a.png', type: 'image/png', bytes: PNG });
    const send = () =>
      api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
        token: v.token,
        body: { body: 'look', messageType: 'image', metadata: { attachmentId: up.body.data.attachment.attachmentId }, clientMessageId: 'same' },
      });
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.data.message.messageId).toBe(first.body.data.message.messageId);
  });

  it('serves documents, text and audio as downloads with their real type', async () => {
    const v = await api.visitorWithConversation();
    const cases = [
      { name: 'invoice.pdf', type: 'application/pdf', bytes: PDF, contentType: 'application/pdf', kind: 'document' },
      { name: 'order.txt', type: 'text/plain', bytes: TEXT, contentType: 'text/plain; charset=utf-8', kind: 'document' },
      { name: 'voice.webm', type: 'audio/webm', bytes: WEBM_VOICE, contentType: 'audio/webm', kind: 'audio' },
    ];
    for (const c of cases) {
      const up = await api.upload(uploadPath(v.conversationId), v.token, c);
      expect(up.status, c.name).toBe(201);
      expect(up.body.data.attachment.kind).toBe(c.kind);
      const file = await fetch(up.body.data.attachment.url);
      expect(file.headers.get('content-type'), c.name).toBe(c.contentType);
      expect(file.headers.get('content-disposition'), c.name).toMatch(/^attachment; filename=/);
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves a byte range so audio and video can seek', async () => {
    const v = await api.visitorWithConversation();
    const up = await api.upload(uploadPath(v.conversationId), v.token, { name: 'x.pdf', type: 'application/pdf', bytes: PDF });
    const part = await fetch(up.body.data.attachment.url, { headers: { range: 'bytes=0-4' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-4/${PDF.byteLength}`);
    expect(await part.text()).toBe('%PDF-');
  });
});

describe('what the server refuses or serves safely', () => {
  let v: Awaited<ReturnType<typeof api.visitorWithConversation>>;
  beforeAll(async () => {
    v = await api.visitorWithConversation();
  });

  it('refuses an HTML file named and declared as a PNG (lying extension and content type)', async () => {
    const res = await expectRefused(v.conversationId, v.token, { name: 'photo.png', type: 'image/png', bytes: HTML }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(res.body.message).toMatch(/is HTML by its content/);
  });

  it('stores a PNG declared as a PDF under its real type, image/png', async () => {
    const up = await api.upload(uploadPath(v.conversationId), v.token, { name: 'report.pdf', type: 'application/pdf', bytes: PNG });
    expect(up.status).toBe(201);
    expect(up.body.data.attachment).toMatchObject({ contentType: 'image/png', kind: 'image' });
    const jpeg = await api.upload(uploadPath(v.conversationId), v.token, { name: 'x.png', type: 'image/png', bytes: JPEG });
    expect(jpeg.body.data.attachment.contentType).toBe('image/jpeg');
    expect((await fetch(jpeg.body.data.attachment.url)).headers.get('content-type')).toBe('image/jpeg');
  });

  it('refuses an SVG with a script, also when named .png', async () => {
    await expectRefused(v.conversationId, v.token, { name: 'logo.svg', type: 'image/svg+xml', bytes: SVG_WITH_SCRIPT }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
    const res = await expectRefused(v.conversationId, v.token, { name: 'logo.png', type: 'image/png', bytes: SVG_WITH_SCRIPT }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(res.body.message).toMatch(/SVG/);
  });

  it('refuses an HTML file, also when named .txt', async () => {
    await expectRefused(v.conversationId, v.token, { name: 'page.html', type: 'text/html', bytes: HTML }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
    await expectRefused(v.conversationId, v.token, { name: 'notes.txt', type: 'text/plain', bytes: HTML }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  });

  it('refuses a zero-byte file with ATTACHMENT_EMPTY', async () => {
    await expectRefused(v.conversationId, v.token, { name: 'empty.png', type: 'image/png', bytes: new Uint8Array() }, 400, 'ATTACHMENT_EMPTY');
  });

  it('refuses a body without a file field, or with a text field named file', async () => {
    const missing = await api.upload(uploadPath(v.conversationId), v.token, null, { extra: { note: 'no file here' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.stringMatching(/^file: is required/)] });
    const wrongName = await api.upload(uploadPath(v.conversationId), v.token, { name: 'a.png', type: 'image/png', bytes: PNG }, { field: 'upload' });
    expect(wrongName.body.code).toBe('VALIDATION_FAILED');
    const text = await api.upload(uploadPath(v.conversationId), v.token, null, { extra: { file: 'not a file' } });
    expect(text.body.details).toEqual([expect.stringMatching(/^file: must be a file/)]);
  });

  it('refuses a broken multipart body with VALIDATION_FAILED', async () => {
    for (const type of ['multipart/form-data; boundary=xyz', 'multipart/form-data']) {
      const res = await api.call('POST', uploadPath(v.conversationId), { token: v.token, body: 'this is not multipart', headers: { 'content-type': type } });
      expect([res.status, res.body.code], type).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('refuses a JSON body with UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await api.call('POST', uploadPath(v.conversationId), { token: v.token, body: { file: 'x' } });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('hides a foreign conversation behind CONVERSATION_NOT_FOUND and stores nothing', async () => {
    const stranger = await api.newVisitor();
    await expectRefused(v.conversationId, stranger.token, { name: 'a.png', type: 'image/png', bytes: PNG }, 404, 'CONVERSATION_NOT_FOUND');
  });

  it('refuses to send another visitor\'s attachment, or one attachment twice', async () => {
    const other = await api.visitorWithConversation();
    const up = await api.upload(uploadPath(other.conversationId), other.token, { name: 'a.png', type: 'image/png', bytes: PNG });
    const attachmentId = up.body.data.attachment.attachmentId;
    const foreign = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      body: { body: '', messageType: 'image', metadata: { attachmentId } },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('ATTACHMENT_NOT_FOUND');
    const send = () =>
      api.call('POST', `/chat/visitor/conversations/${other.conversationId}/messages`, {
        token: other.token,
        body: { body: '', messageType: 'image', metadata: { attachmentId } },
      });
    expect((await send()).status).toBe(201);
    expect((await send()).body.code).toBe('ATTACHMENT_NOT_FOUND');
    const noId = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: '', messageType: 'image' } });
    expect(noId.body.details).toEqual([expect.stringMatching(/^metadata.attachmentId: is required/)]);
  });

  it('refuses a link with a wrong or missing signature', async () => {
    const up = await api.upload(uploadPath(v.conversationId), v.token, { name: 'a.png', type: 'image/png', bytes: PNG });
    const url = new URL(up.body.data.attachment.url);
    const tampered = new URL(url);
    tampered.searchParams.set('sig', 'A'.repeat(43));
    const later = new URL(url);
    later.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));
    for (const bad of [tampered, later, new URL(url.pathname, url.origin)]) {
      const res = await fetch(bad);
      const body = await res.json();
      expect(res.status).toBe(403);
      expect(body.code).toBe('ATTACHMENT_LINK_INVALID');
      expectMatchesContract('GET', bad.pathname.replace(/^\/api/, ''), 403, body);
    }
  });
});

describe('size limit', () => {
  /** Streams `total` bytes as an upload; stops writing once the server answered. */
  function streamUpload(conversationId: string, token: string, total: number, withLength: boolean) {
    return new Promise<{ status: number; body: { code?: string }; written: number }>((resolve, reject) => {
      const boundary = 'ringnity-test-boundary';
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const url = new URL(`${server.baseUrl}${uploadPath(conversationId)}`);
      const headers: Record<string, string | number> = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'X-Ringnity-SDK-Session': token };
      if (withLength) headers['content-length'] = head.length + total + tail.length;
      const req = http.request(url, { method: 'POST', headers });
      let written = 0;
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { code?: string }, written }));
      });
      // The server may close the connection once it answered: that is the point, not a failure.
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      req.write(head);
      const pump = () => {
        while (!answered && written < total) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end(tail);
      };
      pump();
    });
  }

  it('refuses a 20 MB upload from its Content-Length before reading it, storing nothing', async () => {
    const v = await api.visitorWithConversation();
    const before = await stored();
    const res = await streamUpload(v.conversationId, v.token, 20 * 1024 * 1024, true);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('ATTACHMENT_TOO_LARGE');
    expectMatchesContract('POST', uploadPath(v.conversationId), 413, res.body);
    // Less than the 10 MB limit went out: the answer came from the headers, not from reading the body.
    expect(res.written).toBeLessThan(10 * 1024 * 1024);
    expect(await stored()).toEqual(before);
  });

  it('refuses a 20 MB chunked upload once it passes the limit, before the end', async () => {
    const v = await api.visitorWithConversation();
    const before = await stored();
    const res = await streamUpload(v.conversationId, v.token, 20 * 1024 * 1024, false);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('ATTACHMENT_TOO_LARGE');
    expect(res.written).toBeLessThan(20 * 1024 * 1024);
    expect(await stored()).toEqual(before);
  });

  it('follows the tenant\'s own limit', async () => {
    const small = await startTestServer({ tenantSettings: { maxUploadBytes: 100 } });
    try {
      const smallApi = client(small);
      const v = await smallApi.visitorWithConversation();
      const boot = await smallApi.call('GET', '/sdk/bootstrap?slug=acme');
      expect(boot.body.data.sdk.maxUploadBytes).toBe(100);
      const res = await smallApi.upload(uploadPath(v.conversationId), v.token, { name: 'a.pdf', type: 'application/pdf', bytes: new Uint8Array([...PDF, ...PDF]) });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('ATTACHMENT_TOO_LARGE');
      expect(await readdir(small.uploadDir)).toEqual([]);
    } finally {
      await small.close();
    }
  });
});

describe('metadata pre-check: POST /chat/visitor/conversations/{id}/attachments', () => {
  it('accepts an allowed file and refuses markup, too large and empty ones before any upload', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/attachments`;
    const okRes = await api.call('POST', path, { token: v.token, body: { filename: 'tent.png', contentType: 'image/png', size: 2048 } });
    expect(okRes.status).toBe(201);
    expect(okRes.body.data).toMatchObject({ accepted: true, maxUploadBytes: 10 * 1024 * 1024, upload: { path: uploadPath(v.conversationId), field: 'file' } });
    const cases: Array<[object, number, string]> = [
      [{ filename: 'x.svg', contentType: 'image/svg+xml', size: 10 }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED'],
      [{ filename: 'x.html', size: 10 }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED'],
      [{ filename: 'x.xhtml', contentType: 'application/xhtml+xml', size: 10 }, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED'],
      [{ filename: 'big.mp4', contentType: 'video/mp4', size: 20 * 1024 * 1024 }, 413, 'ATTACHMENT_TOO_LARGE'],
      [{ filename: 'empty.png', contentType: 'image/png', size: 0 }, 400, 'ATTACHMENT_EMPTY'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api.call('POST', path, { token: v.token, body });
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
    }
  });
});

describe('agents and attachments', () => {
  it('lets an agent upload and send a file the visitor receives live', async () => {
    const v = await api.visitorWithConversation();
    const agent = await api.agentToken();
    const visitorSocket = await connect(server.baseUrl, v.token);
    track(visitorSocket);
    const up = await api.upload(`/agent-sdk/conversations/${v.conversationId}/attachments/upload`, agent, { name: 'manual.pdf', type: 'application/pdf', bytes: PDF });
    expect(up.status).toBe(201);
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, {
      token: agent,
      body: { body: 'Here is the manual', messageType: 'document', metadata: { attachmentId: up.body.data.attachment.attachmentId } },
    });
    const frame = await visitorSocket.next((f) => f.type === 'message.created' && f.message.senderType === 'agent');
    expect(frame).toMatchObject({ message: { messageType: 'document', body: 'Here is the manual', metadata: { attachment: { name: 'manual.pdf' } } } });
    const url = (frame as unknown as { message: { metadata: { attachment: { url: string } } } }).message.metadata.attachment.url;
    expect((await fetch(url)).status).toBe(200);
  });

  it('removes a message\'s file (contract DELETE …/attachment): the link stops working, the message stays', async () => {
    const v = await api.visitorWithConversation();
    const agent = await api.agentToken();
    const up = await api.upload(uploadPath(v.conversationId), v.token, { name: 'a.png', type: 'image/png', bytes: PNG });
    const sent = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      body: { body: 'see', messageType: 'image', metadata: { attachmentId: up.body.data.attachment.attachmentId } },
    });
    const messageId = sent.body.data.message.messageId;
    const count = (await stored()).length;
    const res = await api.call('DELETE', `/agent-sdk/conversations/${v.conversationId}/messages/${messageId}/attachment`, { token: agent, body: { reason: 'spam' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ deleted: true, attachment: { attachmentId: up.body.data.attachment.attachmentId } });
    expect(res.body.data.message.metadata.attachment).toMatchObject({ removed: true });
    expect(res.body.data.message.metadata.attachment.url).toBeUndefined();
    expect((await fetch(up.body.data.attachment.url)).status).toBe(404);
    expect(await stored()).toHaveLength(count - 1);
    const again = await api.call('DELETE', `/agent-sdk/conversations/${v.conversationId}/messages/${messageId}/attachment`, { token: agent });
    expect(again.body.code).toBe('ATTACHMENT_NOT_FOUND');
  });
});
