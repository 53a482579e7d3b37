/**
 * Issue 8 item 8: uploaded files live on their own origin (a second port of the reference
 * server). The API origin only redirects a signed link there and serves no file bytes; the files
 * origin serves signed links and nothing else, every answer with `nosniff` and a sandboxing CSP;
 * only PNG, JPEG, GIF and WebP are inline, the rest are downloads named by RFC 5987 `filename*`;
 * hostile file names stay inert in the headers and in what the API returns for the UI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../demo/server/app.ts';
import { DEMO_SERVER_API_KEY, readEnvConfig } from '../../demo/server/config.ts';
import { noRateLimits } from '../../demo/server/limits/rules.ts';
import { JPEG, PDF, PNG, TEXT, WEBM_VOICE } from '../contract/fixtures/files.ts';
import { client, useContractServer } from '../contract/support.ts';
import { contentDisposition } from '../../demo/server/attachments/disposition.ts';
import { gifOf, headerLines, rawUpload, webpOf } from './uploads-support.ts';
import { rawRequest } from './origins-support.ts';


const { server, api } = useContractServer({ log: false });

const SAFE = { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox" };
const safetyOf = (res: Response) => ({ 'x-content-type-options': res.headers.get('x-content-type-options'), 'content-security-policy': res.headers.get('content-security-policy') });
const uploadPath = (conversationId: string) => `/chat/visitor/conversations/${conversationId}/attachments/upload`;

/** Uploads a file and answers its signed link (from the API) and stored name. */
async function uploaded(name: string, type: string, bytes: Uint8Array) {
  const v = await api.visitorWithConversation();
  const res = await api.upload(uploadPath(v.conversationId), v.token, { name, type, bytes });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.attachment as { url: string; name: string; attachmentId: string };
}

describe('a separate files origin', () => {
  it('runs on its own port, and the API origin answers a file link with a redirect there, never the bytes', async () => {
    expect(server.filesOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.filesOrigin).not.toBe(server.origin);
    const file = await uploaded('cat.png', 'image/png', PNG);
    expect(file.url.startsWith(`${server.baseUrl}/attachments/`)).toBe(true);

    const hop = await fetch(file.url, { redirect: 'manual' });
    const body = new Uint8Array(await hop.arrayBuffer());
    expect(hop.status).toBe(307);
    expect(body.length).toBe(0);
    const location = hop.headers.get('location') ?? '';
    expect(new URL(location).origin).toBe(server.filesOrigin);
    expect(safetyOf(hop)).toEqual(SAFE);

    const served = await fetch(file.url);
    expect(new URL(served.url).origin).toBe(server.filesOrigin);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
  });

  it('checks the signature before redirecting: a forged link gets the 403 envelope on the API origin', async () => {
    const file = await uploaded('cat.png', 'image/png', PNG);
    const forged = await fetch(file.url.replace(/sig=[^&]+/, 'sig=forged'), { redirect: 'manual' });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('location')).toBeNull();
    expect(await forged.json()).toMatchObject({ success: false, code: 'ATTACHMENT_LINK_INVALID' });
    const onFiles = await fetch(`${server.filesOrigin}/attachments/${file.attachmentId}?exp=9999999999&sig=forged`);
    expect(onFiles.status).toBe(403);
    expect(safetyOf(onFiles)).toEqual(SAFE);
    expect(await onFiles.json()).toMatchObject({ success: false, code: 'ATTACHMENT_LINK_INVALID' });
  });

  it('serves nothing but signed file links: API, pages, scripts and other methods are 404 there', async () => {
    const file = await uploaded('cat.png', 'image/png', PNG);
    const signed = new URL((await fetch(file.url, { redirect: 'manual' })).headers.get('location') ?? '');
    const probes: Array<[string, string]> = [
      ['GET', '/'],
      ['GET', '/index.html'],
      ['GET', '/console'],
      ['GET', '/chat/acme'],
      ['GET', '/call/'],
      ['GET', '/loader.js'],
      ['GET', '/api/sdk/health'],
      ['GET', `/api/sdk/bootstrap?slug=${server.slug}`],
      ['GET', `/api/attachments/${file.attachmentId}${signed.search}`],
      ['POST', '/api/sdk/session'],
      ['POST', `${signed.pathname}${signed.search}`],
      ['DELETE', `${signed.pathname}${signed.search}`],
      ['GET', '/attachments/'],
    ];
    for (const [method, path] of probes) {
      const res = await fetch(`${server.filesOrigin}${path}`, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
      const text = await res.text();
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(safetyOf(res), `${method} ${path}`).toEqual(SAFE);
      expect(text, `${method} ${path}`).not.toMatch(/<html|success":true|sessionToken/i);
    }
  });

  it('does not walk out of /attachments: dot segments sent byte for byte, plain and encoded', async () => {
    const file = await uploaded('cat.png', 'image/png', PNG);
    const signed = new URL((await fetch(file.url, { redirect: 'manual' })).headers.get('location') ?? '');
    const id = file.attachmentId;
    // fetch would resolve `..` before sending; node:http sends the path as written.
    const paths = [
      `/attachments/${id}/../../api/sdk/health`,
      `/attachments/../api/sdk/health`,
      `/attachments/%2e%2e/api/sdk/health`,
      `/attachments/%2E%2E%2Fapi%2Fsdk%2Fhealth`,
      `/attachments/..%2f..%2fpackage.json`,
      `/attachments/..%5c..%5cpackage.json${signed.search}`,
      `/attachments/${id}%2f..%2f..%2fpackage.json${signed.search}`,
      `/attachments/%2e%2e%2f%2e%2e%2f.data%2fuploads${signed.search}`,
      `/attachments/${id}/..${signed.search}`,
      `/attachments/./${id}/../../loader.js`,
    ];
    for (const path of paths) {
      const res = await rawRequest(server.filesOrigin, 'GET', path, {});
      expect([400, 403, 404], path).toContain(res.status);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.text, path).not.toMatch(/<html|success":true|"name":\s*"ringnity|sdkVersion|\x89PNG/i);
    }
    // The signed path itself works when sent raw (the probes above failed for the traversal, not the client).
    expect((await rawRequest(server.filesOrigin, 'GET', `${signed.pathname}${signed.search}`, {})).status).toBe(200);
  });
});

describe('headers of every file answer', () => {
  it('inline only for PNG, JPEG, GIF and WebP; everything else a download with filename and filename*', async () => {
    const cases: Array<[string, string, Uint8Array, 'inline' | 'attachment']> = [
      ['a.png', 'image/png', PNG, 'inline'],
      ['b.jpg', 'image/jpeg', JPEG, 'inline'],
      ['c.gif', 'image/gif', gifOf(2, 2), 'inline'],
      ['d.webp', 'image/webp', webpOf(2, 2), 'inline'],
      ['e.pdf', 'application/pdf', PDF, 'attachment'],
      ['f.txt', 'text/plain', TEXT, 'attachment'],
      ['g.webm', 'audio/webm', WEBM_VOICE, 'attachment'],
    ];
    for (const [name, type, bytes, disposition] of cases) {
      const file = await uploaded(name, type, bytes);
      const res = await fetch(file.url);
      await res.arrayBuffer();
      expect(res.status, name).toBe(200);
      expect(safetyOf(res), name).toEqual(SAFE);
      expect(res.headers.get('content-disposition'), name).toBe(`${disposition}; filename="${name}"; filename*=UTF-8''${name}`);
      // Range answers carry them too.
      const part = await fetch(file.url, { headers: { range: 'bytes=0-1' } });
      await part.arrayBuffer();
      expect([part.status, safetyOf(part)], name).toEqual([206, SAFE]);
    }
  });

  it('names with UTF-8 get an ASCII fallback and the exact name in filename*', async () => {
    const file = await uploaded('résumé 2024 (final).pdf', 'application/pdf', PDF);
    const res = await fetch(file.url);
    await res.arrayBuffer();
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_ 2024 (final).pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%202024%20%28final%29.pdf`);
  });
});

describe('hostile file names stay inert in headers and in the API the UI reads', () => {
  const hostile = [
    '../../../etc/passwd.png',
    '..\\..\\windows\\win.ini.png',
    'a\r\nSet-Cookie: pwned=1\r\nX-Evil: 1.png',
    'a\rb\nc.png',
    'nul\u0000byte.png',
    'quote".png',
    'back\\slash"; filename="evil.exe.png',
    'invoice\u202Egnp.exe.png',
    'isolate\u2066exe\u2069.png',
    '\u200Fmark.png',
    '..',
    '%0d%0aSet-Cookie:%20x=1.png',
    '<img src=x onerror=alert(1)>.png',
  ];

  /** The stored name and served header of an accepted upload are inert. */
  async function expectInert(name: string, stored: { name: string; url: string }) {
    expect(stored.name, JSON.stringify(name)).not.toMatch(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]/);
    expect(stored.name).not.toMatch(/^\.+$/);
    const file = await fetch(stored.url);
    await file.arrayBuffer();
    expect(file.status).toBe(200);
    const disposition = file.headers.get('content-disposition') ?? '';
    expect(disposition, JSON.stringify(name)).toMatch(/^inline; filename="[\x20\x21\x23-\x2e\x30-\x5b\x5d-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$/);
    expect(file.headers.get('set-cookie')).toBeNull();
    expect(file.headers.get('x-evil')).toBeNull();
    for (const line of headerLines(file)) expect(line).not.toMatch(/[\r\n\0]/);
  }

  it('raw multipart: a name a quoted-string cannot hold (quote, CR, LF) is refused with the envelope; every other one is stored inert', async () => {
    for (const name of hostile) {
      const v = await api.visitorWithConversation();
      const res = await rawUpload(`${server.baseUrl}${uploadPath(v.conversationId)}`, v.token, name, 'image/png', PNG);
      if (/["\r\n]/.test(name)) {
        expect([res.status, res.body.success, res.body.code], JSON.stringify(name)).toEqual([400, false, 'VALIDATION_FAILED']);
        continue;
      }
      expect(res.status, JSON.stringify(name)).toBe(201);
      await expectInert(name, res.body.data?.attachment ?? { name: '', url: '' });
    }
  });

  it('as a browser sends them (FormData): every name is stored, and stays inert', async () => {
    for (const name of hostile) {
      const v = await api.visitorWithConversation();
      const res = await api.upload(uploadPath(v.conversationId), v.token, { name, type: 'image/png', bytes: PNG });
      expect(res.status, JSON.stringify(name)).toBe(201);
      await expectInert(name, res.body.data.attachment);
    }
  });

  it('the header builder itself keeps any name (even one never cleaned) to one parameter on one line', () => {
    for (const name of [...hostile, 'a\u0000\r\n"\\/\u202E\uD800.png', '']) {
      for (const type of ['inline', 'attachment'] as const) {
        const value = contentDisposition(type, name);
        expect(() => new Headers({ 'content-disposition': value }), JSON.stringify(name)).not.toThrow();
        expect(value, JSON.stringify(name)).toMatch(/^(inline|attachment); filename="[\x20\x21\x23-\x2e\x30-\x5b\x5d-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$/);
      }
    }
  });
});

describe('configuration', () => {
  it('FILES_PORT defaults to the next port (a free one for PORT=0); FILES_ORIGIN must be a bare http(s) origin', () => {
    expect(readEnvConfig({ PORT: '9000' }).filesPort).toBe(9001);
    expect(readEnvConfig({ PORT: '0' }).filesPort).toBe(0);
    expect(readEnvConfig({}).filesPort).toBe(8193);
    expect(readEnvConfig({ PORT: '9000', FILES_PORT: '7000' }).filesPort).toBe(7000);
    expect(readEnvConfig({ FILES_ORIGIN: 'https://files.example-usercontent.com' }).filesOrigin).toBe('https://files.example-usercontent.com');
    for (const bad of ['files.example.com', 'https://files.example.com/path', 'javascript:alert(1)', "https://x.test'; img-src *"]) {
      expect(() => readEnvConfig({ FILES_ORIGIN: bad }), bad).toThrow(/FILES_ORIGIN/);
    }
  });

  it('with FILES_ORIGIN set, file links redirect to that origin (a proxy in front of the files port)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-files-origin-'));
    const running = await createServer({ port: 0, filesPort: 0, filesOrigin: 'https://files.example-usercontent.test', dataDir: 'memory://', uploadDir: dir, log: false, rateLimits: noRateLimits() });
    try {
      const other = client({ baseUrl: `${running.url}/api`, slug: 'acme', serverApiKey: DEMO_SERVER_API_KEY });
      const v = await other.visitorWithConversation();
      const up = await other.upload(uploadPath(v.conversationId), v.token, { name: 'a.png', type: 'image/png', bytes: PNG });
      const hop = await fetch(up.body.data.attachment.url as string, { redirect: 'manual' });
      await hop.arrayBuffer();
      expect(hop.status).toBe(307);
      expect(hop.headers.get('location')).toMatch(/^https:\/\/files\.example-usercontent\.test\/attachments\/[^/?]+\?exp=\d+&sig=[\w-]+$/);
    } finally {
      await running.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
