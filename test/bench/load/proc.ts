/**
 * What Linux says a process costs: resident memory (`VmRSS` in `/proc/<pid>/status`) and CPU
 * time (`utime + stime` in `/proc/<pid>/stat`). The bench reads the server's own process, so the
 * generator's cost never counts as the server's.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of the `stat` CPU fields (100 on every Linux we run on). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcessSample {
  /** Resident set size in bytes. */
  rssBytes: number;
  /** User + system CPU time so far, in ms. */
  cpuMs: number;
  /**
   * Time its main (JavaScript) thread was ready to run but waited for a core, in ms
   * (`/proc/<pid>/schedstat`): high when other processes on the machine took the cores, which
   * then shows as latency the server itself did not cause.
   */
  runQueueMs: number;
  /** When it was read (`performance.now()`). */
  at: number;
}

/** Reads `pid` now. Throws when the process is gone (the server crashed: the bench must say so). */
export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const waitNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  return { rssBytes: rssKb * 1024, cpuMs: (ticks * 1000) / CLOCK_TICKS, runQueueMs: waitNs / 1e6, at: performance.now() };
}

/** CPU use between two samples as a percentage of one core (200% = both cores of this machine). */
export function cpuPercent(before: ProcessSample, after: ProcessSample): number {
  const wall = after.at - before.at;
  return wall > 0 ? ((after.cpuMs - before.cpuMs) / wall) * 100 : Number.NaN;
}

/** Share of the wall time between two samples that the server waited for a core, % (summed over servers). */
export function runQueuePercent(before: ProcessSample, after: ProcessSample): number {
  const wall = after.at - before.at;
  return wall > 0 ? ((after.runQueueMs - before.runQueueMs) / wall) * 100 : Number.NaN;
}

/** The sum over several processes (two server instances behind one generator, issue 10). */
export function sampleAll(pids: readonly number[]): ProcessSample {
  const samples = pids.map(sampleProcess);
  return {
    rssBytes: samples.reduce((s, x) => s + x.rssBytes, 0),
    cpuMs: samples.reduce((s, x) => s + x.cpuMs, 0),
    runQueueMs: samples.reduce((s, x) => s + x.runQueueMs, 0),
    at: performance.now(),
  };
}
