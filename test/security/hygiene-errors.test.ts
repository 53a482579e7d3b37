/**
 * Issue 8 item 9: an internal failure answers the opaque `INTERNAL_ERROR` envelope (no stack, no
 * file paths, no SQL), and the server's log, captured line by line during a session full of
 * secrets, is structured (one JSON object per line) and holds no token and no API key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, createServer } from '../../demo/server/app.ts';
import type { Database } from '../../demo/server/db/database.ts';
import { DEMO_SERVER_API_KEY } from '../../demo/server/config.ts';
import { noRateLimits } from '../../demo/server/limits/rules.ts';
import { createLogger } from '../../demo/server/log.ts';
import { client } from '../contract/support.ts';

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;
const lines: string[] = [];
let running: RunningServer;
let db: Database;
let uploadDir: string;
let api: ReturnType<typeof client>;
let baseUrl: string;

beforeAll(async () => {
  uploadDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-hygiene-'));
  running = await createServer(
    { port: 0, filesPort: 0, dataDir: 'memory://', uploadDir, log: true, rateLimits: noRateLimits() },
    {
      logSink: (line) => void lines.push(line),
      afterSeed: async (database) => {
        db = database;
      },
    },
  );
  baseUrl = `${running.url}/api`;
  api = client({ baseUrl, slug: 'acme', serverApiKey: DEMO_SERVER_API_KEY });
});
afterAll(async () => {
  await running?.close();
  await rm(uploadDir, { recursive: true, force: true });
});

/** Makes every read and write of `table` fail inside the database, then puts it back. */
async function withTableBroken<T>(table: 'messages' | 'conversations', run: () => Promise<T>): Promise<T> {
  await db.exec(`ALTER TABLE ${table} RENAME TO ${table}_moved_away`);
  try {
    return await run();
  } finally {
    await db.exec(`ALTER TABLE ${table}_moved_away RENAME TO ${table}`);
  }
}

describe('internal errors', () => {
  it('answer 500 INTERNAL_ERROR with a fixed message: no stack, no paths, no SQL', async () => {
    const v = await api.visitorWithConversation();
    const agent = await api.agentToken();
    const results = await withTableBroken('messages', () =>
      Promise.all([
        api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'hi' } }),
        api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token }),
        api.call('GET', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent }),
      ]),
    );
    for (const res of results) {
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ success: false, code: 'INTERNAL_ERROR', message: 'The server failed to handle this request. Try again later.' });
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/\bat\s|\/work\/|node_modules|\.ts:\d|messages_moved_away|relation|stack/i);
    }
    // And the server is fine afterwards.
    expect((await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'back' } })).status).toBe(201);
  });

  it('odd requests get envelopes, not stack traces', async () => {
    const v = await api.visitorWithConversation();
    const odd: Array<[string, string, string | undefined]> = [
      ['GET', `/chat/visitor/conversations/%E0%A4%A/messages`, undefined],
      ['GET', `/chat/visitor/conversations/${'x'.repeat(5000)}/messages`, undefined],
      ['POST', `/chat/visitor/conversations/${v.conversationId}/messages`, '\u0000\u0001'],
      ['POST', `/chat/visitor/conversations/${v.conversationId}/messages`, 'null'],
      ['POST', `/chat/visitor/conversations/${v.conversationId}/messages`, '"just a string"'],
      ['POST', `/chat/visitor/conversations/${v.conversationId}/messages`, '{"__proto__":{"polluted":true},"body":"x"}'],
    ];
    for (const [method, p, body] of odd) {
      const res = await fetch(`${baseUrl}${p}`, { method, headers: { 'X-Ringnity-SDK-Session': v.token, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      expect(res.status, p).toBeLessThan(500);
      const parsed = JSON.parse(text) as { success: boolean; code?: string };
      expect(typeof parsed.success, p).toBe('boolean');
      expect(text, p).not.toMatch(/\bat\s\S+\s\(|\/work\/|node_modules|\.ts:\d/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('structured logs without secrets', () => {
  it('after a session with tokens, auth headers and a context token, no log line holds a JWT or the API key', async () => {
    lines.length = 0;
    const context = await api.call('POST', '/server/visitor-context-token', {
      headers: { authorization: `Bearer ${DEMO_SERVER_API_KEY}` },
      body: { visitor: { externalId: 'cust-42', email: 'jo@example.com', name: 'Jo' } },
    });
    const contextToken = context.body.data.token as string;
    const session = await api.call('POST', '/sdk/session', { body: { slug: 'acme', contextToken } });
    const visitorToken = session.body.data.sessionToken as string;
    const credential = session.body.data.visitorCredential as string;
    const agent = await api.agentToken();
    const conversation = await api.call('POST', '/chat/visitor/conversations', { token: visitorToken, body: {} });
    const cid = conversation.body.data.conversation.conversationId as string;
    const secrets = [contextToken, visitorToken, agent, DEMO_SERVER_API_KEY, credential];
    expect(secrets.every((s) => typeof s === 'string' && s.length > 10)).toBe(true);

    // Failures while secrets sit in paths, headers and bodies: each is logged.
    await withTableBroken('messages', () =>
      api.call('POST', `/chat/visitor/conversations/${cid}/messages`, { token: visitorToken, body: { body: `my token is ${visitorToken}` }, headers: { authorization: `Bearer ${agent}` } }),
    );
    // A client that put a secret in a path (the request line is logged with the failure).
    const inPaths = await withTableBroken('conversations', () =>
      Promise.all([
        api.call('GET', `/chat/visitor/conversations/${visitorToken}/messages`, { token: visitorToken }),
        api.call('GET', `/agent-sdk/conversations/${contextToken}/messages`, { token: agent }),
        api.call('GET', `/agent-sdk/conversations/${DEMO_SERVER_API_KEY}/messages`, { token: agent }),
        // The visitor credential resumes the visitor and its whole history.
        api.call('GET', `/chat/visitor/conversations/${credential}/messages`, { token: visitorToken }),
      ]),
    );
    expect(inPaths.map((r) => r.status)).toEqual([500, 500, 500, 500]);
    // The logger itself is handed an error whose message carries secrets (as a driver error may).
    const direct: string[] = [];
    createLogger(true, (line) => void direct.push(line)).error(`failed for ${agent}`, new Error(`token ${contextToken} key ${DEMO_SERVER_API_KEY} header Bearer ${credential}`));
    // A signed file link (short and real-length signatures), Basic auth, a key glued after `_`, a bare credential.
    const signature = randomBytes(32).toString('base64url');
    const basic = Buffer.from('agent@acme:hunter2-password').toString('base64');
    const gluedKey = `key_${DEMO_SERVER_API_KEY}`;
    createLogger(true, (line) => void direct.push(line)).error(
      `fetch http://127.0.0.1:1/attachments/att_x?exp=1&sig=${signature} and ?exp=2&sig=shortSig1 failed`,
      new Error(`Authorization: Basic ${basic}; config ${gluedKey}; visitor ${credential}`),
    );
    const extra = direct.join('');
    for (const leaked of [signature, 'shortSig1', basic, 'hunter2', credential]) expect(extra).not.toContain(leaked);
    expect(extra).not.toMatch(/(?<![A-Za-z0-9])sk_[A-Za-z0-9]/);
    expect(extra).toContain('sig=[redacted]');

    const all = [...lines, ...direct];
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of all) {
      expect(line.endsWith('\n')).toBe(true);
      const entry = JSON.parse(line) as { time: string; level: string; msg: string };
      expect(entry.level).toMatch(/^(info|error)$/);
      expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
      expect(typeof entry.msg).toBe('string');
      expect(line).not.toMatch(JWT);
      expect(line).not.toContain(DEMO_SERVER_API_KEY);
      expect(line).not.toMatch(/(?<![A-Za-z0-9])sk_[A-Za-z0-9]/);
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
    expect(direct[0]).not.toContain(credential);
    expect(lines.join('')).toContain('[redacted token]');
    expect(lines.join('')).toContain('[redacted key]');
  });
});
