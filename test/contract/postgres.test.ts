/**
 * The same guarantees on real PostgreSQL through `pg` (DATABASE_URL mode), where requests truly
 * run concurrently. Runs only when TEST_DATABASE_URL names a database it may write to, e.g.
 * `TEST_DATABASE_URL=postgres://user@127.0.0.1:5432/ringnity_test npx vitest run --project contract`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, createServer } from '../../demo/server/app.ts';
import { DEMO_SERVER_API_KEY } from '../../demo/server/config.ts';
import type { TestServer } from '../helpers/server.ts';
import { client } from './support.ts';

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('on PostgreSQL (TEST_DATABASE_URL)', () => {
  let running: RunningServer;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    running = await createServer({ port: 0, databaseUrl: url, log: false });
    const server: TestServer = {
      baseUrl: `${running.url}/api`,
      origin: running.url,
      port: running.port,
      filesOrigin: running.filesOrigin(running.url),
      filesPort: running.filesPort,
      serverApiKey: DEMO_SERVER_API_KEY,
      publicKey: 'pk_demo_acme',
      slug: 'acme',
      tokenSecret: running.tokenSecret,
      uploadDir: '',
      close: () => running.close(),
      sweepUploads: () => running.sweepUploads(),
    };
    api = client(server);
  });
  afterAll(() => running?.close());

  it('stores one row for a clientMessageId sent ten times at once', async () => {
    const v = await api.visitorWithConversation();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'race', clientMessageId: 'same' } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  });

  it('numbers concurrent sends 1..n without gaps', async () => {
    const v = await api.visitorWithConversation();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: `m${i}` } }),
      ),
    );
    const res = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages?limit=100`, { token: v.token });
    expect(res.body.data.messages.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('opens one conversation when a visitor asks four times at once', async () => {
    const v = await api.newVisitor();
    const results = await Promise.all([1, 2, 3, 4].map(() => api.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} })));
    expect(new Set(results.map((r) => r.body.data.conversation.conversationId)).size).toBe(1);
  });
});
