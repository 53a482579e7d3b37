/**
 * The load generator: holds N visitor sockets against one or more servers (a list of
 * {@link LoadServer}s; visitor `i` goes to server `i mod n`, so a second instance behind the same
 * generator is one more entry), ramps N in steps, and in each step lets every visitor send at a
 * set rate while agent sockets (on every server) receive. Latency runs from just before the
 * visitor's HTTP send to the first agent socket's `message.created` frame for it.
 */
import type WebSocket from 'ws';
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import { percentile } from '../stats.ts';
import { agentToken, createSession, openConversation, sendVisitorMessage } from './api.ts';
import { type PoolResult, addCounts, runPool, total } from './pool.ts';
import { cpuPercent, runQueuePercent, sampleAll } from './proc.ts';
import type { LoadServer } from './server-process.ts';
import { openSocket } from './socket.ts';

export interface LoadOptions {
  servers: readonly LoadServer[];
  /** Visitor sockets to hold at each step, ascending. */
  steps: readonly number[];
  /** Each visitor sends one message per this many ms during a step's window. */
  intervalMs: number;
  /** How long each step sends (and is measured) once its sockets are held. */
  windowMs: number;
  /** Sessions, conversations and sockets being set up at once during a ramp. */
  concurrency: number;
  /** Agent sockets per server, each receiving every message of the tenant. */
  agentsPerServer: number;
  /**
   * The servers that hold agent sockets (default: every one). One agent on the first of two
   * instances makes every message from a visitor on the second cross instances (issue 10's fan-out).
   */
  agentServers?: readonly LoadServer[];
  /** After a window, how long messages still on their way may take before they count as lost. */
  drainMs: number;
  /** `performance.now()` time after which no new step starts and ramps stop early. */
  deadline: number;
  /** Told what happens, for the person running the bench. */
  log(line: string): void;
}

/** What one step measured. Counts of failures are by error/close code. */
export interface StepResult {
  target: number;
  /** Visitor sockets open at the end of the step. */
  held: number;
  /** This step's ramp: sessions, conversations and sockets refused or failed. */
  refused: Map<string, number>;
  /** Sockets held at the start of the window that the server closed before its end. */
  dropped: number;
  sessionsPerSecond: number;
  conversationsPerSecond: number;
  socketsPerSecond: number;
  rampMs: number;
  /** Messages the visitors asked to send (held sockets × window / interval, about). */
  sent: number;
  sendFailed: Map<string, number>;
  /** Sent and not seen by an agent within the drain time (unanswered sends are then given up). */
  lost: number;
  offeredPerSecond: number;
  /** Messages an agent received, per second of window. */
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  /** Server RSS (after a full collection) with no visitor yet, after this step's ramp, and after its window. */
  rssIdle: number;
  rssHeld: number;
  rssEnd: number;
  /** Live JS memory of the server(s) after a full collection (heap used + external), idle and after this ramp. */
  liveIdle: number;
  liveHeld: number;
  /** Marginal live JS memory per socket, like {@link rssPerSocket}: the steadier of the two. */
  livePerSocket: number;
  /** Sockets open when the window started (after the ramp). */
  heldAtStart: number;
  /**
   * Marginal server memory per socket: RSS growth since the previous step's ramp (the idle
   * server for the first step) over the sockets added, each read after a full collection.
   */
  rssPerSocket: number;
  /** Server CPU over the window, % of one core (summed over servers). */
  serverCpu: number;
  /** The same per server, in the order of {@link LoadOptions.servers}. */
  serverCpuEach: number[];
  /** The server's event loop delay over the window and drain (worst server), p99 and max, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Over the window, how long the server's JS thread waited for a core (another process had it), % of wall time. */
  serverWaiting: number;
  /** The generator's own CPU over the window: near 100% means the generator, not the server, limits. */
  generatorCpu: number;
}

interface Visitor {
  index: number;
  server: LoadServer;
  token: string;
  conversationId: string;
  ws: WebSocket;
  sent: number;
}

export interface LoadRun {
  steps: StepResult[];
  /** Over every ramp: sessions created per second while creating them. */
  sessionsPerSecond: number;
  sessionsCreated: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const { servers, log } = options;
  const pids = servers.map((s) => s.pid);

  // Arrivals: a message's body is its key; the first agent frame for it ends its clock.
  const pending = new Map<string, number>();
  let latencies: number[] = [];
  let delivered = 0;
  let wake: (() => void) | undefined;
  const onAgentFrame = (frame: ServerFrame) => {
    if (frame.type !== 'message.created' || frame.message.senderType !== 'visitor') return;
    const t0 = pending.get(frame.message.body);
    if (t0 === undefined) return;
    latencies.push(performance.now() - t0);
    pending.delete(frame.message.body);
    delivered++;
    wake?.();
  };
  const agents: WebSocket[] = [];
  let closing = false;
  for (const server of options.agentServers ?? servers) {
    const token = await agentToken(server);
    for (let i = 0; i < options.agentsPerServer; i++) {
      const agent = await openSocket(server, token, onAgentFrame);
      // A dropped agent (e.g. 4008, too slow to read) would make every later message look lost: say so.
      agent.on('close', (code) => {
        if (!closing) log(`agent socket on ${server.baseUrl} closed with ${code}: later messages may count as lost`);
      });
      agents.push(agent);
    }
  }
  // Memory is read after a full collection in each server, never inside a measured window.
  const probeServers = async () => {
    const probes = await Promise.all(servers.map((s) => s.probe()));
    return {
      ...sampleAll(pids),
      liveBytes: probes.reduce((a, p) => a + p.liveBytes, 0),
      loopP99Ms: Math.max(...probes.map((p) => p.loopP99Ms)),
      loopMaxMs: Math.max(...probes.map((p) => p.loopMaxMs)),
    };
  };
  const idle = await probeServers();
  log(`idle: ${servers.length} server(s), ${agents.length} agent socket(s), RSS ${mb(idle.rssBytes)}, live JS ${mb(idle.liveBytes)}`);

  const visitors: Visitor[] = [];
  let attempted = 0;
  let sessionMs = 0;
  let sessionsCreated = 0;
  const steps: StepResult[] = [];
  try {
    for (const target of options.steps) {
      if (performance.now() > options.deadline) {
        log(`time is up: steps from ${target} on are skipped`);
        break;
      }
      // Ramp: sessions, then conversations, then sockets, each in parallel, each timed on its own.
      const rampStart = performance.now();
      const indexes = Array.from({ length: Math.max(0, target - attempted) }, (_, k) => attempted + k);
      attempted += indexes.length;
      const sessions = await runPool(indexes, options.concurrency, async (index) => {
        const server = servers[index % servers.length]!;
        return { index, server, token: (await createSession(server)).sessionToken };
      }, options.deadline);
      sessionMs += sessions.ms;
      sessionsCreated += sessions.done.length;
      const conversations = await runPool(sessions.done, options.concurrency, async (s) => ({ ...s, conversationId: await openConversation(s.server, s.token) }), options.deadline);
      const sockets: PoolResult<Visitor> = await runPool(conversations.done, options.concurrency, async (s) => ({ ...s, ws: await openSocket(s.server, s.token), sent: 0 }), options.deadline);
      visitors.push(...sockets.done);
      const refused = addCounts(addCounts(sessions.failed, conversations.failed), sockets.failed);
      const rampMs = performance.now() - rampStart;
      const heldBefore = visitors.filter((v) => v.ws.readyState === v.ws.OPEN);
      const afterRamp = await probeServers();
      log(
        `step ${target}: ${heldBefore.length} held after a ${(rampMs / 1000).toFixed(1)} s ramp (sessions ${sessions.perSecond.toFixed(0)}/s, conversations ${conversations.perSecond.toFixed(0)}/s, sockets ${sockets.perSecond.toFixed(0)}/s, ${total(refused)} refused), RSS ${mb(afterRamp.rssBytes)}, live JS ${mb(afterRamp.liveBytes)}`,
      );

      // Window: every held visitor sends every intervalMs, at a random phase so sends spread evenly.
      latencies = [];
      delivered = 0;
      pending.clear();
      let sent = 0;
      let inFlight = 0;
      const sendFailed = new Map<string, number>();
      const timers: NodeJS.Timeout[] = [];
      // Sends still unanswered after the drain are given up, so a saturated step's backlog does not spill into the next one.
      const giveUp = new AbortController();
      const sendOne = (v: Visitor) => {
        const body = `load ${v.index} ${v.sent++}`;
        sent++;
        inFlight++;
        pending.set(body, performance.now());
        sendVisitorMessage(v.server, v.token, v.conversationId, body, giveUp.signal).then(
          () => undefined,
          (error: unknown) => {
            const code = error instanceof Error && 'code' in error ? String(error.code) : 'UNKNOWN';
            if (code === 'ABORTED') return; // counted as lost: still pending
            pending.delete(body);
            sendFailed.set(code, (sendFailed.get(code) ?? 0) + 1);
          },
        ).finally(() => {
          inFlight--;
          wake?.();
        });
      };
      let dropped = 0;
      const onDrop = () => dropped++;
      for (const v of heldBefore) {
        v.ws.once('close', onDrop);
        timers.push(
          setTimeout(() => {
            sendOne(v);
            timers.push(setInterval(() => sendOne(v), options.intervalMs));
          }, Math.random() * options.intervalMs),
        );
      }
      const cpuStart = sampleAll(pids);
      const cpuStartEach = pids.map((pid) => sampleAll([pid]));
      const genStart = process.cpuUsage();
      const genWallStart = performance.now();
      await new Promise((resolve) => setTimeout(resolve, options.windowMs));
      for (const t of timers) clearTimeout(t);
      const cpuEnd = sampleAll(pids);
      const cpuEndEach = pids.map((pid) => sampleAll([pid]));
      const genUsage = process.cpuUsage(genStart);
      const generatorCpu = ((genUsage.user + genUsage.system) / 1000 / (performance.now() - genWallStart)) * 100;
      const windowDelivered = delivered;
      // Drain: what was sent gets its chance to arrive (or fail) before the step is judged.
      await drained(() => inFlight === 0 && pending.size === 0, options.drainMs, (w) => (wake = w));
      wake = undefined;
      giveUp.abort();
      const lost = pending.size;
      const failedAtEnd = new Map(sendFailed);
      for (const v of heldBefore) v.ws.off('close', onDrop);
      const end = await probeServers();
      const held = visitors.filter((v) => v.ws.readyState === v.ws.OPEN).length;
      const result: StepResult = {
        target,
        held,
        refused,
        dropped,
        sessionsPerSecond: sessions.perSecond,
        conversationsPerSecond: conversations.perSecond,
        socketsPerSecond: sockets.perSecond,
        rampMs,
        sent,
        sendFailed: failedAtEnd,
        lost,
        offeredPerSecond: (heldBefore.length * 1000) / options.intervalMs,
        deliveredPerSecond: (windowDelivered * 1000) / options.windowMs,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        rssIdle: idle.rssBytes,
        rssHeld: afterRamp.rssBytes,
        rssEnd: end.rssBytes,
        heldAtStart: heldBefore.length,
        liveIdle: idle.liveBytes,
        liveHeld: afterRamp.liveBytes,
        rssPerSocket: perSocket(steps.at(-1) ?? { rssHeld: idle.rssBytes, heldAtStart: 0 }, { rssHeld: afterRamp.rssBytes, heldAtStart: heldBefore.length }, 'rssHeld'),
        livePerSocket: perSocket(steps.at(-1) ?? { liveHeld: idle.liveBytes, heldAtStart: 0 }, { liveHeld: afterRamp.liveBytes, heldAtStart: heldBefore.length }, 'liveHeld'),
        serverCpu: cpuPercent(cpuStart, cpuEnd),
        serverCpuEach: cpuStartEach.map((before, i) => cpuPercent(before, cpuEndEach[i]!)),
        serverWaiting: runQueuePercent(cpuStart, cpuEnd),
        loopP99Ms: end.loopP99Ms,
        loopMaxMs: end.loopMaxMs,
        generatorCpu,
      };
      steps.push(result);
      log(
        `step ${target}: ${sent} sent (${total(failedAtEnd)} failed, ${lost} lost), ${result.deliveredPerSecond.toFixed(0)} msg/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, server CPU ${result.serverCpu.toFixed(0)}% (waited for a core ${result.serverWaiting.toFixed(0)}%), server loop delay p99 ${result.loopP99Ms.toFixed(0)} / max ${result.loopMaxMs.toFixed(0)} ms, generator CPU ${generatorCpu.toFixed(0)}%, ${dropped} dropped`,
      );
    }
  } finally {
    closing = true;
    for (const v of visitors) v.ws.terminate();
    for (const a of agents) a.terminate();
  }
  return { steps, sessionsPerSecond: sessionMs > 0 ? (sessionsCreated * 1000) / sessionMs : Number.NaN, sessionsCreated };
}

/** Server memory (`key`) per socket between two points of the ramp (bytes; NaN when no socket was added). */
export function perSocket<K extends 'rssHeld' | 'liveHeld'>(from: Pick<StepResult, K | 'heldAtStart'>, to: Pick<StepResult, K | 'heldAtStart'>, key: K): number {
  const added = to.heldAtStart - from.heldAtStart;
  return added > 0 ? (to[key] - from[key]) / added : Number.NaN;
}

/** Resolves once `done()` holds (checked whenever `arm`'s callback is called) or after `maxMs`. */
function drained(done: () => boolean, maxMs: number, arm: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const timer = setTimeout(resolve, maxMs);
    arm(() => {
      if (!done()) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
