/**
 * First-delta latency of a streamed AI answer on the embedded engine: the real server in this
 * process (in-memory PGlite), a real visitor socket, `POST /ai/visitor/chat` with `stream: true`;
 * measured from just before the POST to the first `ai.delta` frame, and to `ai.done`.
 * Each run uses a new visitor (a fresh conversation, as a first question would).
 */
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.ts';

export interface StreamLatency {
  /** ms from the POST to the first `ai.delta` (median, 90th percentile). */
  median: number;
  p90: number;
  /** ms from the POST to `ai.done` (median). */
  doneMedian: number;
  /** Runs left out: no `ai.delta` before `ai.done`, or no `ai.done` within {@link RUN_TIMEOUT_MS}. */
  failed: number;
}

/** A run whose stream has not ended by then is counted as failed, not waited for forever. */
const RUN_TIMEOUT_MS = 10_000;

const QUESTIONS = ['how long does delivery take?', 'how do i return an item', 'when will i get my refund', 'can i pay with klarna', 'how do i reset my password'];

export async function measureFirstDelta(runs: number): Promise<StreamLatency> {
  const server = await startTestServer({ log: false });
  const first: number[] = [];
  const done: number[] = [];
  let failed = 0;
  try {
    for (let i = 0; i < runs + 2; i++) {
      const session = await post(server.baseUrl, '/sdk/session', { slug: server.slug });
      const token = session.sessionToken as string;
      const ws = await openAuthed(server.baseUrl, token);
      const question = QUESTIONS[i % QUESTIONS.length] as string;
      let firstAt: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finished = new Promise<number | undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), RUN_TIMEOUT_MS);
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as { type: string };
          if (frame.type === 'ai.delta' && firstAt === undefined) firstAt = performance.now();
          if (frame.type === 'ai.done') resolve(performance.now());
        });
      });
      const start = performance.now();
      await post(server.baseUrl, '/ai/visitor/chat', { message: question, stream: true }, token);
      const end = await finished;
      clearTimeout(timer);
      ws.close();
      // The first two runs warm up the JIT and the database; they are not counted.
      if (i < 2) continue;
      // A stream without a delta (or that never ended) has no latency to record.
      if (end === undefined || firstAt === undefined) {
        failed++;
        continue;
      }
      first.push(firstAt - start);
      done.push(end - start);
    }
  } finally {
    await server.close();
  }
  return { median: quantile(first, 0.5), p90: quantile(first, 0.9), doneMedian: quantile(done, 0.5), failed };
}

async function post(baseUrl: string, path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'X-Ringnity-SDK-Session': token } : {}) },
    body: JSON.stringify(body),
  });
  const parsed = (await response.json()) as { success: boolean; data: Record<string, unknown> };
  if (!parsed.success) throw new Error(`${path} failed: ${JSON.stringify(parsed)}`);
  return parsed.data;
}

function openAuthed(baseUrl: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/realtime`);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    ws.once('message', () => resolve(ws)); // `ready`
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
