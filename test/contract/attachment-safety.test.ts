/**
 * Review findings of issue 3 on attachments: no signed link for a file a message does not own,
 * safe headers on every answer of the file route, cleaned names, unsent uploads swept and capped,
 * removal not shown as an edit, and a pre-check that refuses only markup.
 */
import { readdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { PNG } from './fixtures/files.ts';
import { useContractServer } from './support.ts';

/** Added to the real time by the clock that ages unsent uploads. */
let clockOffsetMs = 0;

const { server, api } = useContractServer({ uploadClock: () => Date.now() + clockOffsetMs });
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

const uploadPath = (conversationId: string) => `/chat/visitor/conversations/${conversationId}/attachments/upload`;
const stored = async () => (await readdir(server.uploadDir).catch(() => [] as string[])).sort();
// A 1×1 logical screen (read by the 40-megapixel check), then a page.
const GIF_HTML = new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00<html><script>alert(1)</script></html>', 'binary'));

/** A visitor's conversation with a sent image message; answers its ids and the message. */
async function sentImage(name = 'a.png', bytes: Uint8Array = PNG, type = 'image/png') {
  const v = await api.visitorWithConversation();
  const up = await api.upload(uploadPath(v.conversationId), v.token, { name, type, bytes });
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  const sent = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
    token: v.token,
    body: { body: '', messageType: 'image', metadata: { attachmentId: up.body.data.attachment.attachmentId } },
  });
  expect(sent.status).toBe(201);
  return { ...v, attachment: up.body.data.attachment, message: sent.body.data.message };
}

describe('no link for an attachment a message does not own (S1)', () => {
  it('drops an agent\'s metadata.attachment naming another conversation\'s file, and a planted url', async () => {
    const c1 = await sentImage();
    const c2 = await api.visitorWithConversation();
    const res = await api.call('POST', `/agent-sdk/conversations/${c2.conversationId}/messages`, {
      token: agent,
      body: {
        body: 'look',
        metadata: { note: 'kept', attachment: { attachmentId: c1.attachment.attachmentId, url: 'javascript:alert(1)' }, url: 'javascript:alert(2)' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.message.metadata).toEqual({ note: 'kept' });

    const history = await api.call('GET', `/chat/visitor/conversations/${c2.conversationId}/messages`, { token: c2.token });
    const text = history.body.data.messages.find((m: { body: string }) => m.body === 'look');
    expect(text.metadata).toEqual({ note: 'kept' });
    expect(JSON.stringify(history.body.data.messages)).not.toContain(c1.attachment.attachmentId);
  });

  it('still signs the link of the message that owns the file, on every read', async () => {
    const c1 = await sentImage();
    const history = await api.call('GET', `/chat/visitor/conversations/${c1.conversationId}/messages`, { token: c1.token });
    const url = history.body.data.messages[0].metadata.attachment.url as string;
    expect(url).toContain(c1.attachment.attachmentId);
    expect((await fetch(url)).status).toBe(200);
  });
});

describe('the file route\'s headers and names (S4)', () => {
  const pinned = {
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'referrer-policy': 'no-referrer',
  };
  const headersOf = (res: Response) => Object.fromEntries(Object.keys(pinned).map((name) => [name, res.headers.get(name)]));

  it('sends nosniff, the sandbox CSP and no-referrer on 200, 206, 403 and 404', async () => {
    const c = await sentImage();
    const url = c.message.metadata.attachment.url as string;
    const full = await fetch(url);
    const part = await fetch(url, { headers: { range: 'bytes=0-3' } });
    const forged = await fetch(url.replace(/sig=[^&]+/, 'sig=forged'));
    await api.call('DELETE', `/agent-sdk/conversations/${c.conversationId}/messages/${c.message.messageId}/attachment`, { token: agent, body: {} });
    const gone = await fetch(url);
    expect([full.status, part.status, forged.status, gone.status]).toEqual([200, 206, 403, 404]);
    for (const res of [full, part, forged, gone]) {
      expect(headersOf(res)).toEqual(pinned);
      await res.arrayBuffer();
    }
  });

  it('serves a GIF89a/HTML polyglot as image/gif with nosniff and the sandbox CSP', async () => {
    const c = await sentImage('cat.gif', GIF_HTML, 'image/gif');
    const res = await fetch(c.message.metadata.attachment.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(headersOf(res)).toEqual(pinned);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(GIF_HTML);
  });

  it('removes bidi controls from names and escapes \'()* in filename*', async () => {
    const c = await sentImage('invoice\u202Egnp.exe\u2066(1)*\u2069.png');
    expect(c.attachment.name).toBe('invoicegnp.exe(1)*.png');
    const res = await fetch(c.message.metadata.attachment.url);
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="invoicegnp.exe(1)*.png"; filename*=UTF-8''invoicegnp.exe%281%29%2A.png`);
    await res.arrayBuffer();
    const quote = await sentImage("it's.png");
    const other = await fetch(quote.message.metadata.attachment.url);
    expect(other.headers.get('content-disposition')).toContain("filename*=UTF-8''it%27s.png");
    await other.arrayBuffer();
  });
});

describe('removing a file (agent)', () => {
  it('marks the attachment removed without marking the message edited', async () => {
    const c = await sentImage();
    const res = await api.call('DELETE', `/agent-sdk/conversations/${c.conversationId}/messages/${c.message.messageId}/attachment`, { token: agent, body: {} });
    expect(res.status).toBe(200);
    expect(res.body.data.message.metadata.attachment.removed).toBe(true);
    expect(res.body.data.message.editedAt).toBeUndefined();
  });
});

describe('unsent uploads (S3)', () => {
  it('deletes an upload no message used once it is 30 minutes old, file and row; a sent one stays', async () => {
    const sent = await sentImage();
    const v = await api.visitorWithConversation();
    const up = await api.upload(uploadPath(v.conversationId), v.token, { name: 'late.png', type: 'image/png', bytes: PNG });
    const before = await stored();
    clockOffsetMs = 29 * 60 * 1000;
    expect(await server.sweepUploads()).toBe(0);
    clockOffsetMs = 31 * 60 * 1000;
    try {
      expect(await server.sweepUploads()).toBeGreaterThanOrEqual(1);
    } finally {
      clockOffsetMs = 0;
    }
    expect((await stored()).length).toBeLessThan(before.length);
    const late = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      body: { body: '', messageType: 'image', metadata: { attachmentId: up.body.data.attachment.attachmentId } },
    });
    expect([late.status, late.body.code]).toEqual([404, 'ATTACHMENT_NOT_FOUND']);
    expect((await fetch(up.body.data.attachment.url)).status).toBe(404);
    expect((await fetch(sent.message.metadata.attachment.url)).status).toBe(200);
  });

  it('refuses an 11th unsent upload in a conversation with ATTACHMENT_LIMIT_REACHED until one is sent', async () => {
    const v = await api.visitorWithConversation();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const up = await api.upload(uploadPath(v.conversationId), v.token, { name: `p${i}.png`, type: 'image/png', bytes: PNG });
      expect(up.status).toBe(201);
      ids.push(up.body.data.attachment.attachmentId);
    }
    const files = await stored();
    const refused = await api.upload(uploadPath(v.conversationId), v.token, { name: 'p10.png', type: 'image/png', bytes: PNG });
    expect([refused.status, refused.body.code]).toEqual([409, 'ATTACHMENT_LIMIT_REACHED']);
    expect(await stored()).toEqual(files);
    await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      body: { body: '', messageType: 'image', metadata: { attachmentId: ids[0] } },
    });
    const again = await api.upload(uploadPath(v.conversationId), v.token, { name: 'p10.png', type: 'image/png', bytes: PNG });
    expect(again.status).toBe(201);
  });
});

describe('metadata pre-check refuses only markup', () => {
  it('accepts Office files and common type aliases; refuses the markup types and extensions', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/attachments`;
    const accepted = [
      { filename: 'cv.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 10 },
      { filename: 'sheet.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: 10 },
      { filename: 'photos.zip', contentType: 'application/x-zip-compressed', size: 10 },
      { filename: 'photo.jpg', contentType: 'image/jpg', size: 10 },
      { filename: 'memo.wav', contentType: 'audio/x-wav', size: 10 },
    ];
    for (const body of accepted) {
      const res = await api.call('POST', path, { token: v.token, body });
      expect(res.status, JSON.stringify(body)).toBe(201);
    }
    const refused = [
      { filename: 'a.bin', contentType: 'text/html' },
      { filename: 'a.bin', contentType: 'application/xhtml+xml' },
      { filename: 'a.bin', contentType: 'image/svg+xml' },
      { filename: 'a.bin', contentType: 'text/xml' },
      { filename: 'a.bin', contentType: 'application/xml; charset=utf-8' },
      { filename: 'a.HTM' },
      { filename: 'a.xhtml', contentType: 'application/octet-stream' },
      { filename: 'feed.xml' },
    ];
    for (const body of refused) {
      const res = await api.call('POST', path, { token: v.token, body: { ...body, size: 10 } });
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([415, 'ATTACHMENT_TYPE_NOT_ALLOWED']);
    }
  });
});
