/** What the figures were measured on, written beside them in `bench-results.json`. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { CHROMIUM } from '../e2e/browser.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  chromium: string;
  date: string;
  commit: string;
  /** Uncommitted changes in the tree when measured. */
  dirty: boolean;
}

/** Output of a command, or `unknown` when it cannot run (no git, no Chromium). */
const run = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: run(CHROMIUM, ['--version']),
    date: new Date().toISOString(),
    commit: run('git', ['rev-parse', 'HEAD']),
    dirty: run('git', ['status', '--porcelain']) !== '',
  };
}
