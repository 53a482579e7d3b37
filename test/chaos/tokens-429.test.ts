/**
 * Scenario e: token expiry and 429 storms during a burst. Session tokens live 3 s and the
 * message limit is tight (5 at once, then 4/s), so a visitor's burst of 40 meets both, several
 * times over. No message may be lost or doubled, and the runtime must obey every `Retry-After`:
 * a `fetch` wrapper given to `createRuntime` records when each request started and each 429's
 * `Retry-After`, and no send of that runtime may start before the wait it was told has passed.
 *
 * The runtime renews its token ahead of expiry, so to see a token really run out mid-burst the
 * same wrapper fails the renewals (`/sdk/session`, as a network error) for a little longer than
 * a token lives, starting with the first renewal: the held token expires while sends go on.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, type Runtime } from '../../src/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { type ChaosAgent, chaosAgent } from './agent.ts';
import { chaosReport, expectDelivered } from './report.ts';

const COUNT = 40;
const TTL_SECONDS = 3;
// Node's timers run off a clock cached per loop turn, so one may fire up to ~1 ms before
// `performance.now()` says the delay is over: that is not a retry that jumped the queue.
const CLOCK_SLACK_MS = 2;

interface Call {
  method: string;
  path: string;
  start: number;
  end?: number;
  status?: number;
  /** `Retry-After` of a 429, in ms. */
  retryAfterMs?: number;
}

/** How long renewals fail, from the first one: past the held token's expiry. */
const RENEWALS_DOWN_MS = (TTL_SECONDS + 1) * 1000;

/**
 * A `fetch` that records every request's start, status and `Retry-After`, and fails token
 * renewals (every `/sdk/session` after the first) for `RENEWALS_DOWN_MS`.
 */
function recordingFetch(calls: Call[]): typeof fetch {
  let renewalsDownUntil = 0;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const call: Call = { method: init?.method ?? (input instanceof Request ? input.method : 'GET'), path: new URL(url).pathname, start: performance.now() };
    calls.push(call);
    if (call.path.endsWith('/sdk/session') && calls.some((c) => c !== call && c.path === call.path)) {
      renewalsDownUntil ||= call.start + RENEWALS_DOWN_MS;
      if (call.start < renewalsDownUntil) {
        call.status = 0;
        throw new TypeError('fetch failed');
      }
    }
    const response = await fetch(input, init);
    call.end = performance.now();
    call.status = response.status;
    const after = response.headers.get('retry-after');
    if (response.status === 429 && after) call.retryAfterMs = Number(after) * 1000;
    return response;
  };
}

let server: TestServer;
let agent: ChaosAgent;
let runtime: Runtime | undefined;
beforeAll(async () => {
  server = await startTestServer({ log: false, sessionTtlSeconds: TTL_SECONDS, rateLimits: { messages: { burst: 5, perMinute: 240 } } });
  agent = await chaosAgent(server.baseUrl, server.serverApiKey);
});
afterAll(async () => {
  runtime?.destroy();
  await server?.close();
});

it('token expiry and 429 storms during a burst of 40: nothing lost or doubled, every Retry-After obeyed', async () => {
  const startedAt = performance.now();
  const calls: Call[] = [];
  runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket, storage: createMemoryStorage(), fetch: recordingFetch(calls) });
  const rt = runtime;
  const rateLimitedEvents: number[] = [];
  rt.on('error', (e) => e.code === 'RATE_LIMITED' && rateLimitedEvents.push(e.retryAfterMs ?? -1));
  await rt.start();
  const bodies = Array.from({ length: COUNT }, (_, n) => `e-burst-${String(n).padStart(4, '0')}`);
  for (const body of bodies) await rt.conversation.send(body);

  let stored: string[] = [];
  await vi
    .waitFor(
      async () => {
        expect(rt.conversation.messages.value.filter((m) => m.seq === undefined)).toHaveLength(0);
        stored = (await agent.history(rt.conversation.id.value!)).map((m) => m.body);
        expect(stored.length).toBeGreaterThanOrEqual(COUNT);
      },
      { timeout: 90_000, interval: 250 },
    )
    .catch(() => undefined);
  const shown = rt.conversation.messages.value.map((m) => m.body);

  // Every send (POST …/messages) after a 429 started no earlier than its Retry-After allowed.
  const sends = calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
  const storms = sends.filter((c) => c.status === 429);
  const margins = storms.map((c) => {
    const next = sends.find((n) => n.start > c.start);
    return next ? next.start - (c.end! + c.retryAfterMs!) : Infinity;
  });
  const sessions = calls.filter((c) => c.path.endsWith('/sdk/session'));
  const failedRenewals = sessions.filter((c) => c.status === 0).length;
  const expired = calls.filter((c) => c.status === 401).length;
  const elapsedS = (performance.now() - startedAt) / 1000;

  const report = chaosReport({
    scenario: 'token-expiry-429',
    sent: bodies.map((body) => ({ sender: 'visitor', body })),
    stored,
    observers: [{ name: 'visitor', kind: 'tab', shown }],
    startedAt,
    extra: {
      sends: sends.length,
      '429s': storms.length,
      minRetryMarginMs: storms.length ? Math.min(...margins).toFixed(1) : 'n/a',
      sessionCalls: sessions.length,
      failedRenewals,
      '401s': expired,
      tokenLifetimes: Math.floor(elapsedS / TTL_SECONDS),
    },
  });
  expectDelivered(report);
  // The faults really happened: 429s, renewals that failed, then a renewal that worked.
  expect(storms.length).toBeGreaterThan(0);
  expect(failedRenewals).toBeGreaterThan(0);
  expect(sessions.filter((c) => c.status === 201 || c.status === 200).length).toBeGreaterThanOrEqual(2);
  for (const margin of margins) expect(margin).toBeGreaterThanOrEqual(-CLOCK_SLACK_MS);
  // Each 429 was surfaced as RATE_LIMITED with its delay, not swallowed.
  expect(rateLimitedEvents.length).toBeGreaterThanOrEqual(storms.length);
}, 150_000);
