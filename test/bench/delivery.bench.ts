/**
 * Delivery speed through the real server (issue 9 item 5): a visitor's runtime core in Node
 * (`createRuntime`, real WebSocket, in-memory storage) and an agent's realtime socket, both on
 * the reference server in this process. Visitor send → the agent's socket gets `message.created`,
 * and agent send (Agent SDK REST) → the message shows in the visitor's runtime; sequential sends,
 * `BENCH_MESSAGES` (default 1000) each way, p50/p95/p99. The clock starts just before the send
 * call, so the figure includes the sender's HTTP request, as a person would feel it.
 * Run alone: `npx tsx test/bench/delivery.bench.ts`.
 */
import WebSocket from 'ws';
import type { SdkToken, ServerFrame } from '../../src/contract/extensions.ts';
import { createMemoryStorage, createRuntime } from '../../src/index.ts';
import { HUMAN_ONLY } from '../e2e/two-sides.ts';
import { startTestServer } from '../helpers/server.ts';
import { agentOf } from '../unit/core/agent.ts';
import { report } from './figures.ts';
import { envCount, percentile } from './stats.ts';

const count = envCount('BENCH_MESSAGES', 1000);
/** One message that never arrives must not hang the suite. */
const LOST_AFTER_MS = 10_000;

const server = await startTestServer({ ...HUMAN_ONLY, log: false });
const agent = await agentOf(server);

/** The agent's socket; `onMessage` hears every `message.created` body. */
async function agentSocket(onMessage: (body: string) => void): Promise<WebSocket> {
  const response = await fetch(`${server.baseUrl}/server/sdk-token/agent`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.serverApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: 'agent-demo' }),
  });
  const { data } = (await response.json()) as { data: SdkToken };
  const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/realtime`);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: data.token })));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as ServerFrame;
      if (frame.type === 'ready') resolve();
      if (frame.type === 'message.created') onMessage(frame.message.body);
    });
    ws.on('error', reject);
  });
  return ws;
}

/** Resolves when `body` arrives (by `arrived`), or rejects after {@link LOST_AFTER_MS}. */
const waiters = new Map<string, () => void>();
const arrived = (body: string) => waiters.get(body)?.();
const arrival = (body: string) =>
  new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`"${body}" never arrived`)), LOST_AFTER_MS);
    waiters.set(body, () => {
      clearTimeout(timer);
      waiters.delete(body);
      resolve(performance.now());
    });
  });

const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket, storage: createMemoryStorage() });
const socket = await agentSocket(arrived);
try {
  await runtime.start();
  await new Promise<void>((resolve) => {
    const stop = runtime.status.subscribe((s) => s === 'connected' && (queueMicrotask(() => stop()), resolve()));
  });
  await runtime.conversation.send('hello');
  // The visitor hears the agent's messages through its runtime's message list.
  let seen = 0;
  runtime.conversation.messages.subscribe((list) => {
    for (const m of list.slice(seen)) if (m.senderType === 'agent') arrived(m.body);
    seen = list.length;
  });

  const toAgent: number[] = [];
  const toVisitor: number[] = [];
  // A few of each first: JIT and the database's first plans are not what a visitor meets.
  const warmup = 20;
  for (let i = 0; i < count + warmup; i++) {
    const body = `v${i}`;
    const got = arrival(body);
    const start = performance.now();
    await runtime.conversation.send(body);
    const ms = (await got) - start;
    if (i >= warmup) toAgent.push(ms);
  }
  // Known once the first message was confirmed (the runtime's outbox sends it).
  const conversationId = runtime.conversation.id.value!;
  for (let i = 0; i < count + warmup; i++) {
    const body = `a${i}`;
    const got = arrival(body);
    const start = performance.now();
    await agent.send(conversationId, body);
    const ms = (await got) - start;
    if (i >= warmup) toVisitor.push(ms);
  }
  for (const [dir, label, samples] of [
    ['visitor-to-agent', 'visitor send → agent receive', toAgent],
    ['agent-to-visitor', 'agent send → visitor receive', toVisitor],
  ] as const) {
    for (const p of [50, 95, 99]) {
      report({ id: `delivery.${dir}.p${p}`, label: `${label}, p${p}`, value: percentile(samples, p), unit: 'ms', note: `${samples.length} sequential messages` });
    }
  }
} finally {
  runtime.destroy();
  socket.close();
  await server.close();
}
