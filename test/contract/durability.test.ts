/**
 * Data survives `kill -9` (extensions.md §13): the real server runs as a child process on an
 * on-disk PGlite folder, a visitor and an agent send messages, the process is SIGKILLed in the
 * middle of a burst, and after a restart on the same folder every message that got its 201 is
 * there, once, in `seq` order; the unconfirmed ones, resent with their `clientMessageId`, are
 * stored exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SpawnedServer, spawnServer } from './spawned-server.ts';
import { client } from './support.ts';

let dir: string;
let running: SpawnedServer | undefined;
const start = async () => {
  running = await spawnServer({
    dataDir: path.join(dir, 'data'),
    uploadDir: path.join(dir, 'uploads'),
    // The burst below is faster than a person types: raise the per-session message limit.
    env: { RATE_LIMIT_MESSAGES_BURST: '1000', RATE_LIMIT_REQUESTS_BURST: '1000' },
  });
  return running;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-durability-'));
});
afterAll(async () => {
  await running?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Sent {
  clientMessageId: string;
  messageId?: string;
  seq?: number;
}

it('keeps every confirmed message of visitor and agent across kill -9, and takes the unconfirmed ones once when resent', async () => {
  const first = await start();
  const api = client(first);
  const visitor = await api.visitorWithConversation({ name: 'Kim' });
  const agent = await api.agentToken();
  const visitorPath = `/chat/visitor/conversations/${visitor.conversationId}/messages`;
  const agentPath = `/agent-sdk/conversations/${visitor.conversationId}/messages`;

  const sent: Sent[] = [];
  const send = async (who: 'visitor' | 'agent', n: number) => {
    const entry: Sent = { clientMessageId: `${who}-${n}` };
    sent.push(entry);
    const res = await api.call('POST', who === 'visitor' ? visitorPath : agentPath, {
      token: who === 'visitor' ? visitor.token : agent,
      body: { body: `${who} ${n}`, clientMessageId: entry.clientMessageId },
    });
    expect(res.status).toBe(201);
    entry.messageId = res.body.data.message.messageId as string;
    entry.seq = res.body.data.message.seq as number;
  };

  // Visitor and agent write at the same time, each waiting for its 201 before the next.
  const sequence = async (who: 'visitor' | 'agent', count: number) => {
    for (let n = 0; n < count; n++) await send(who, n);
  };
  await Promise.all([sequence('visitor', 25), sequence('agent', 25)]);

  // Then a burst of 30 concurrent sends, killed once a third of it is confirmed: the rest are
  // in flight (accepted, committed or not) or not yet sent when the process dies.
  let confirmedInBurst = 0;
  let killed: () => void = () => undefined;
  const killedOnce = new Promise<void>((resolve) => {
    killed = resolve;
  });
  const burst = Array.from({ length: 30 }, (_, i) => {
    const who = i % 2 === 0 ? 'visitor' : 'agent';
    return send(who, 100 + i).then(
      () => {
        confirmedInBurst += 1;
        if (confirmedInBurst === 10) {
          first.child.kill('SIGKILL');
          killed();
        }
      },
      () => undefined, // cut by the kill: unconfirmed
    );
  });
  await killedOnce;
  await Promise.all(burst);
  expect((await first.exited).signal).toBe('SIGKILL');

  const confirmed = sent.filter((s) => s.messageId !== undefined);
  const unconfirmed = sent.filter((s) => s.messageId === undefined);
  expect(confirmed.length).toBeGreaterThanOrEqual(60);

  // Restart on the same folder; the tokens minted before the kill still work (the secret is stored).
  const second = await start();
  const api2 = client(second);
  const history = async () => {
    const messages: Array<{ messageId: string; seq: number; clientMessageId?: string; body: string }> = [];
    let after = 0;
    for (;;) {
      const page = await api2.call('GET', `${visitorPath}?after=${after}&limit=100`, { token: visitor.token });
      expect(page.status).toBe(200);
      messages.push(...page.body.data.messages);
      after = messages.at(-1)?.seq ?? after;
      if (!page.body.data.hasMore) return messages;
    }
  };
  const afterKill = await history();
  const byClientId = new Map(afterKill.map((m) => [m.clientMessageId, m]));
  for (const s of confirmed) {
    expect(byClientId.get(s.clientMessageId), s.clientMessageId).toMatchObject({ messageId: s.messageId, seq: s.seq });
  }
  expect(afterKill.map((m) => m.seq)).toEqual(afterKill.map((_, i) => i + 1));
  expect(byClientId.size).toBe(afterKill.length);

  // The outbox resends what it never saw confirmed: each lands once (200 when it had landed).
  for (const s of unconfirmed) {
    const who = s.clientMessageId.startsWith('visitor') ? 'visitor' : 'agent';
    const res = await api2.call('POST', who === 'visitor' ? visitorPath : agentPath, {
      token: who === 'visitor' ? visitor.token : agent,
      body: { body: s.clientMessageId.replace('-', ' '), clientMessageId: s.clientMessageId },
    });
    expect(res.status).toBe(byClientId.has(s.clientMessageId) ? 200 : 201);
  }
  const final = await history();
  expect(final).toHaveLength(sent.length);
  expect(new Set(final.map((m) => m.clientMessageId)).size).toBe(sent.length);
  expect(final.map((m) => m.seq)).toEqual(final.map((_, i) => i + 1));
  // What was there before the resends kept its place.
  expect(final.slice(0, afterKill.length).map((m) => m.messageId)).toEqual(afterKill.map((m) => m.messageId));
  process.stdout.write(
    `kill -9: ${sent.length} sent, ${confirmed.length} confirmed before the kill, ${afterKill.length} stored after restart, ${unconfirmed.length} resent, ${final.length} stored in the end\n`,
  );
}, 120_000);
