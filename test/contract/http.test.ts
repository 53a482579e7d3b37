import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, createServer } from '../../demo/server/app.ts';
import { useContractServer } from './support.ts';


const { server, api } = useContractServer();

describe('request bodies', () => {
  it('refuses a 5 MB body with PAYLOAD_TOO_LARGE and creates nothing', async () => {
    const v = await api.visitorWithConversation();
    const huge = JSON.stringify({ body: 'x'.repeat(5 * 1024 * 1024) });
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: huge });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    const history = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages).toHaveLength(0);
  });

  it('refuses a streamed body without Content-Length once it passes the limit', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 80) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${server.baseUrl}/sdk/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body that is not JSON with UNSUPPORTED_MEDIA_TYPE', async () => {
    const v = await api.visitorWithConversation();
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      headers: { 'content-type': 'text/plain' },
      body: '{"body":"hi"}',
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('routing', () => {
  it('answers an unknown API route with ROUTE_NOT_FOUND', async () => {
    for (const [method, path] of [['GET', '/nope'], ['POST', '/sdk/nope'], ['DELETE', '/sdk/session']] as const) {
      const res = await fetch(`${server.baseUrl}${path}`, { method });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ success: false, code: 'ROUTE_NOT_FOUND' });
    }
  });
});

describe('CORS', () => {
  it('answers a preflight with 204, reflecting the origin and allowing the session header', async () => {
    const res = await fetch(`${server.baseUrl}/sdk/session`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-ringnity-sdk-session',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-ringnity-sdk-session');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a foreign page read the refusal (CORS headers on the 403), and exposes Retry-After', async () => {
    const res = await fetch(`${server.baseUrl}/sdk/bootstrap?slug=acme`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });
});

describe('CORS only on the routes a widget calls', () => {
  const preflight = (path: string, method = 'POST') =>
    fetch(`${server.baseUrl}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
    });

  it('gives a foreign page no CORS access to the Server API or the agent API', async () => {
    for (const path of ['/server/sdk-token/agent', '/server/visitor-context-token', '/agent-sdk/conversations', '/agent-sdk/presence']) {
      const res = await preflight(path);
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull();
    }
    const minted = await fetch(`${server.baseUrl}/server/sdk-token/agent`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: `Bearer ${server.serverApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'agent-demo' }),
    });
    expect(minted.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still answers preflights on the visitor runtime routes', async () => {
    for (const path of ['/sdk/session', '/chat/visitor/conversations', '/chat/conversations/c/messages/m/read', '/attachments/a']) {
      const res = await preflight(path);
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin'), path).toBe('https://evil.example');
    }
  });
});

describe('static files', () => {
  let root: string;
  let site: RunningServer;
  const get = (p: string) => fetch(`${site.url}${p}`);

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ringnity-static-'));
    mkdirSync(path.join(root, 'dist/widget/chunks'), { recursive: true });
    mkdirSync(path.join(root, 'dist/console'), { recursive: true });
    mkdirSync(path.join(root, 'demo/site'), { recursive: true });
    writeFileSync(path.join(root, 'dist/loader.js'), 'console.log("loader")');
    writeFileSync(path.join(root, 'dist/widget/chunks/app.js'), 'export {}');
    writeFileSync(path.join(root, 'dist/console/index.html'), '<h1>console</h1>');
    writeFileSync(path.join(root, 'demo/site/index.html'), '<h1>site</h1>');
    writeFileSync(path.join(root, 'demo/site/site.css'), 'body{}');
    writeFileSync(path.join(root, 'secret.txt'), 'do not serve');
    site = await createServer({ port: 0, dataDir: 'memory://', rootDir: root, log: false });
  });
  afterAll(async () => {
    await site?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('serves the loader and widget chunks cross-origin with nosniff', async () => {
    for (const p of ['/loader.js', '/widget/chunks/app.js']) {
      const res = await get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves the console and the demo site as HTML and CSS', async () => {
    for (const [p, text, type] of [
      ['/console', 'console', 'text/html'],
      ['/console/', 'console', 'text/html'],
      ['/', 'site', 'text/html'],
      ['/index.html', 'site', 'text/html'],
      ['/site.css', 'body{}', 'text/css'],
    ] as const) {
      const res = await get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toContain(type);
      expect(await res.text()).toContain(text);
    }
  });

  it('answers 404 for missing files and never leaves its folder', async () => {
    for (const p of ['/missing.html', '/widget/nope.js', '/console/nope.js']) {
      expect((await get(p)).status, p).toBe(404);
    }
    // fetch normalises `..`, so send raw paths the way an attacker would.
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/widget/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const status = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: site.port, path: p }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status, p).toBe(404);
    }
  });
});
