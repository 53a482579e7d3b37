/**
 * Issue 8 item 8: uploads decided by their bytes, image bombs refused from their headers, and
 * files served only from the separate files origin with headers that keep them inert.
 * Real server, real multipart, real files on disk.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HTML, JPEG, PDF, PNG, SVG_WITH_SCRIPT, TEXT, WEBM_VOICE } from '../contract/fixtures/files.ts';
import { useContractServer } from '../contract/support.ts';
import { gifFrameBomb, gifOf, jpegOf, pngOf, webpOf } from './uploads-support.ts';

const LIMIT = 4096;

const { server, api } = useContractServer({ log: false, tenantSettings: { maxUploadBytes: LIMIT } });

const uploadPath = (conversationId: string) => `/chat/visitor/conversations/${conversationId}/attachments/upload`;
const stored = async () => (await readdir(server.uploadDir).catch(() => [] as string[])).sort();

async function upload(name: string, type: string, bytes: Uint8Array) {
  const v = await api.visitorWithConversation();
  return api.upload(uploadPath(v.conversationId), v.token, { name, type, bytes });
}

/** Uploads and expects a refusal that stored nothing. */
async function expectRefused(name: string, type: string, bytes: Uint8Array, status: number, code: string) {
  const before = await stored();
  const res = await upload(name, type, bytes);
  expect([res.status, res.body.success, res.body.code], `${name} (${type})`).toEqual([status, false, code]);
  expect(typeof res.body.message).toBe('string');
  expect(await stored()).toEqual(before);
  return res;
}

describe('the type comes from the bytes (file-type), never from the name or the declared type', () => {
  it('refuses HTML, SVG and XML whatever they claim to be, and stores nothing', async () => {
    const cases: Array<[string, string, Uint8Array]> = [
      ['photo.png', 'image/png', HTML],
      ['photo.jpg', 'image/jpeg', HTML],
      ['notes.txt', 'text/plain', HTML],
      ['logo.png', 'image/png', SVG_WITH_SCRIPT],
      ['logo.svg', 'image/svg+xml', SVG_WITH_SCRIPT],
      ['data.txt', 'text/plain', new Uint8Array(Buffer.from('<?xml version="1.0"?><a/>'))],
      ['svg.txt', 'text/plain', new Uint8Array(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))],
      ['setup.pdf', 'application/pdf', new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0])],
      ['clip.mp4', 'video/mp4', new Uint8Array([0, 0, 0, 0x18, ...Buffer.from('ftyp<html><script>alert(1)</script>')])],
    ];
    for (const [name, type, bytes] of cases) await expectRefused(name, type, bytes, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  });

  it('stores what the bytes are, whatever the name and declared type say', async () => {
    // The stored name is the download's name: its extension follows the bytes too.
    const cases: Array<[string, string, Uint8Array, string, string]> = [
      ['page.html', 'text/html', PNG, 'image/png', 'page.png'],
      ['a.png', 'image/png', JPEG, 'image/jpeg', 'a.jpg'],
      ['a.bin', 'application/octet-stream', PDF, 'application/pdf', 'a.pdf'],
      ['voice.webm', 'audio/webm;codecs=opus', WEBM_VOICE, 'audio/webm', 'voice.webm'],
      ['order.txt', '', TEXT, 'text/plain', 'order.txt'],
      ['anim.gif', 'image/png', gifOf(10, 10), 'image/gif', 'anim.gif'],
      ['pic', '', webpOf(100, 100), 'image/webp', 'pic.webp'],
    ];
    for (const [name, type, bytes, contentType, storedName] of cases) {
      const res = await upload(name, type, bytes);
      expect([res.status, res.body.data?.attachment.contentType, res.body.data?.attachment.name], name).toEqual([201, contentType, storedName]);
    }
  });

  it('never keeps an extension a desktop would run or render: the name ends in the found type', async () => {
    // Text that does not *start* like markup is plain text; named .html it would open as a page.
    const script = new Uint8Array(Buffer.from('Hello<script>alert(document.domain)</script>'));
    const cases: Array<[string, string, Uint8Array, string]> = [
      ['invoice.html', 'text/plain', script, 'invoice.txt'],
      ['invoice.HTM', 'text/plain', script, 'invoice.txt'],
      ['receipt.js', 'text/plain', script, 'receipt.txt'],
      ['receipt.mjs', 'text/plain', script, 'receipt.txt'],
      ['run.bat', 'text/plain', script, 'run.txt'],
      ['run.cmd', 'text/plain', script, 'run.txt'],
      ['pay.hta', 'text/plain', script, 'pay.txt'],
      ['img.svg', 'text/plain', script, 'img.txt'],
      ['feed.xml', 'text/plain', script, 'feed.txt'],
      ['setup.exe', 'application/pdf', PDF, 'setup.pdf'],
      ['launch.desktop', 'text/plain', script, 'launch.txt'],
      ['photo.html', 'image/png', PNG, 'photo.png'],
      ['report.pdf.exe', 'image/png', PNG, 'report.pdf.png'],
    ];
    for (const [name, type, bytes, expected] of cases) {
      const res = await upload(name, type, bytes);
      expect([res.status, res.body.data?.attachment.name], name).toEqual([201, expected]);
      // The download is saved under that name.
      const file = await fetch(res.body.data!.attachment.url);
      expect(file.headers.get('content-disposition'), name).toContain(`filename*=UTF-8''${encodeURIComponent(expected)}`);
      await file.arrayBuffer();
    }
  });
});

describe('images over 40 megapixels are refused from their headers', () => {
  it('refuses PNG, GIF, JPEG and WebP headers declaring more than 40 MP with ATTACHMENT_IMAGE_TOO_LARGE', async () => {
    const bombs: Array<[string, Uint8Array]> = [
      ['bomb.png', pngOf(50_000, 50_000)],
      ['wide.png', pngOf(40_001, 1000)],
      ['bomb.gif', gifOf(65_535, 65_535)],
      ['bomb.jpg', jpegOf(10_000, 4001)],
      ['bomb.webp', webpOf(16_384, 16_384)],
      // A 1 × 1 screen with a 16383 × 16383 frame: browsers grow the canvas to the frame (268 MP).
      ['frame-bomb.gif', gifFrameBomb(1, 1, 16_383, 16_383)],
      ['frame-64mp.gif', gifFrameBomb(1, 1, 8000, 8000)],
    ];
    for (const [name, bytes] of bombs) {
      expect(bytes.length, name).toBeLessThan(100); // tiny files: only the header says how big they are
      const res = await expectRefused(name, 'image/png', bytes, 422, 'ATTACHMENT_IMAGE_TOO_LARGE');
      expect(res.body.message).toMatch(/megapixel/);
    }
  });

  it('accepts exactly 40 megapixels, and refuses an image header that gives no size', async () => {
    expect((await upload('edge.png', 'image/png', pngOf(8000, 5000))).status).toBe(201);
    const noSize = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...Buffer.from('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
    await expectRefused('broken.jpg', 'image/jpeg', noSize, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  });
});

describe('the size limit: limit + 1 byte is refused with the envelope, the limit is accepted', () => {
  it('accepts a file of exactly the limit and refuses limit + 1 with 413 ATTACHMENT_TOO_LARGE, storing nothing', async () => {
    const text = (n: number) => new Uint8Array(n).fill(0x61);
    expect((await upload('exact.txt', 'text/plain', text(LIMIT))).status).toBe(201);
    const res = await expectRefused('over.txt', 'text/plain', text(LIMIT + 1), 413, 'ATTACHMENT_TOO_LARGE');
    expect(res.body.message).toContain('limit');
  });

  it('refuses a declared size of limit + 1 in the metadata pre-check too', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/attachments`;
    const over = await api.call('POST', path, { token: v.token, body: { filename: 'a.txt', contentType: 'text/plain', size: LIMIT + 1 } });
    expect([over.status, over.body.code]).toEqual([413, 'ATTACHMENT_TOO_LARGE']);
    const exact = await api.call('POST', path, { token: v.token, body: { filename: 'a.txt', contentType: 'text/plain', size: LIMIT } });
    expect(exact.status).toBe(201);
  });
});
