/**
 * Call state changes on real PostgreSQL (DATABASE_URL mode), where requests truly run at once:
 * each change has one winner. Runs only when TEST_DATABASE_URL names a database it may write to
 * (see postgres.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, createServer } from '../../demo/server/app.ts';
import { DEMO_SERVER_API_KEY } from '../../demo/server/config.ts';
import { client } from './support.ts';

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('calls on PostgreSQL (TEST_DATABASE_URL)', () => {
  let running: RunningServer;
  let api: ReturnType<typeof client>;
  let agent: string;

  beforeAll(async () => {
    running = await createServer({ port: 0, databaseUrl: url, log: false });
    api = client({ baseUrl: `${running.url}/api`, slug: 'acme', serverApiKey: DEMO_SERVER_API_KEY });
    agent = await api.agentToken();
  });
  afterAll(() => running?.close());

  it('starts one call when a visitor places four at once', async () => {
    const v = await api.visitorWithConversation();
    const body = { conversationId: v.conversationId, type: 'audio' };
    const results = await Promise.all([1, 2, 3, 4].map(() => api.call('POST', '/calls/sessions', { token: v.token, body })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it('lets one of ten answers win, and ten hang-ups leave one record', async () => {
    const v = await api.visitorWithConversation();
    const created = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'video' } });
    const id = created.body.data.callSession.id as string;
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.call('POST', `/agent-sdk/calls/${id}/answer`, { token: agent })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'CALL_NOT_RINGING')).toBe(true);

    const ends = await Promise.all(Array.from({ length: 10 }, (_, i) => api.call('PATCH', `/calls/sessions/${id}/end`, { token: i % 2 ? agent : v.token, body: {} })));
    expect(ends.every((r) => r.status === 200 && r.body.data.callSession.status === 'ended')).toBe(true);
    const history = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages.filter((m: { messageType: string }) => m.messageType === 'call')).toHaveLength(1);
  });
});
