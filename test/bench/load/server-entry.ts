/**
 * The reference server as the load bench starts it: `demo/server/main.ts` itself, in this same
 * process (so the pid the bench reads `/proc` of is the server's), plus two things on stdin:
 * - a watchdog: the bench holds stdin open, and when the bench dies in any way (even SIGKILL
 *   from the runner's time limit, which runs no exit handler) the pipe closes and the server
 *   ends with it;
 * - `gc` lines: tell how late the event loop ran since the last `gc` (p99 and max, ms: a
 *   blocked loop delays every request and frame), collect garbage now (the bench starts node
 *   with `--expose-gc`) and answer
 *   `@@gc {heapUsed, external, loopP99Ms, loopMaxMs}` on stdout: live JS memory (V8 heap, plus buffers and WASM
 *   memory outside it) with no garbage counted, steadier than RSS (which V8 and malloc give back
 *   to the OS lazily: a fresh server's RSS falls by hundreds of MB over its first minutes).
 */
import { rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const collect = (globalThis as { gc?: () => void }).gc;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let pending = '';
process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
  pending += chunk;
  let newline: number;
  while ((newline = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line !== 'gc') continue;
    // The loop's figures first: the forced collection below must not count as a stall.
    const loopP99Ms = loop.percentile(99) / 1e6;
    const loopMaxMs = loop.max / 1e6;
    collect?.();
    const { heapUsed, external } = process.memoryUsage();
    process.stdout.write(`@@gc ${JSON.stringify({ heapUsed, external, loopP99Ms, loopMaxMs })}\n`);
    loop.reset();
  }
});
// The bench is gone: so is this server, and its temp folder (the bench could not remove it).
const orphaned = () => {
  const dir = process.env.LOAD_TEMP_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', orphaned);
process.stdin.on('close', orphaned);
await import('../../../demo/server/main.ts');

