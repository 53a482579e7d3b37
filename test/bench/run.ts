/**
 * `npm run bench [name…]`: runs every `test/bench/*.bench.ts` (or those whose name contains one
 * of the arguments), one at a time, each in its own process with a time limit, then prints ONE
 * table (figure, value, budget, pass/over/info) and writes the same to `bench-results.json` with
 * the machine it ran on. Benches measure and report (see `figures.ts`); the runner alone compares
 * with the budgets (`budgets.ts`). It exits non-zero only when a bench crashed or timed out:
 * a figure over budget is a finding, not a failure.
 *
 * Environment: `BENCH_RUNS` (browser runs per figure, default 7), `BENCH_TIMEOUT_MS` (per bench,
 * default 300000); each bench documents its own knobs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUDGETS } from './budgets.ts';
import { type Figure, collect, formatValue } from './figures.ts';
import { describeMachine } from './machine.ts';
import { envCount } from './stats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const timeoutMs = envCount('BENCH_TIMEOUT_MS', 300_000);

// The size and browser benches measure `dist/`: a fresh clone has none yet.
if (!existsSync(path.join(root, 'dist/loader.js')) || !existsSync(path.join(root, 'dist/widget/app.js'))) {
  console.log('dist/ is missing: npm run build');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}

/** Runs one bench; its own output passes through, its figures are kept. */
function runBench(file: string): Promise<{ figures: Figure[]; error?: string }> {
  return new Promise((resolve) => {
    // The load bench ramps three configurations (PGlite, PostgreSQL with one and two instances):
    // it gets a longer limit, told to it so it fits itself under the kill.
    const limit = file === 'load.bench.ts' ? Math.max(timeoutMs, 640_000) : timeoutMs;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_TIMEOUT_MS: String(limit) },
    });
    const figures: Figure[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      const { figures: found, rest } = collect(lines.join('\n'));
      figures.push(...found);
      for (const line of rest) console.log(line);
    });
    // A bench that hangs (a browser that never answers) must not hold the whole suite.
    const timer = setTimeout(() => child.kill('SIGKILL'), limit);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      figures.push(...collect(pending).figures);
      resolve(code === 0 ? { figures } : { figures, error: signal === 'SIGKILL' ? `timed out after ${limit} ms` : `exited with ${code ?? signal}` });
    });
  });
}

interface Row extends Figure {
  bench: string;
  budget: number | null;
  status: 'pass' | 'over' | 'info';
  budgetSource?: string;
}

const rows: Row[] = [];
const errors: string[] = [];
const started = performance.now();
for (const file of files) {
  console.log(`\n=== ${file}`);
  const t0 = performance.now();
  const { figures, error } = await runBench(file);
  console.log(`--- ${file}: ${figures.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s${error ? `, ${error}` : ''}`);
  if (error) errors.push(`${file} ${error}`);
  for (const f of figures) {
    const budget = BUDGETS[f.id];
    rows.push({
      ...f,
      bench: file,
      budget: budget?.max ?? null,
      status: budget === undefined ? 'info' : f.value <= budget.max ? 'pass' : 'over',
      ...(budget ? { budgetSource: budget.source } : {}),
    });
  }
}

const machine = describeMachine();
const table = [
  ['figure', 'value', 'budget', ''],
  ...rows.map((r) => [r.label + (r.note ? ` (${r.note})` : ''), formatValue(r.value, r.unit), r.budget === null ? '-' : formatValue(r.budget, r.unit), r.status]),
];
const widths = [0, 1, 2].map((i) => Math.max(...table.map((r) => r[i]!.length)));
console.log(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.chromium}, ${machine.date}, ${machine.commit.slice(0, 10)}${machine.dirty ? ' (dirty)' : ''}\n`);
for (const [label, value, budget, status] of table) {
  console.log(`${label!.padEnd(widths[0]!)}  ${value!.padStart(widths[1]!)}  ${budget!.padStart(widths[2]!)}  ${status}`);
}
const over = rows.filter((r) => r.status === 'over').length;
console.log(`\n${rows.length} figures: ${rows.filter((r) => r.status === 'pass').length} pass, ${over} over, ${rows.filter((r) => r.status === 'info').length} info; ${((performance.now() - started) / 1000).toFixed(0)} s`);
for (const e of errors) console.log(`bench failed: ${e}`);

writeFileSync(path.join(root, 'bench-results.json'), `${JSON.stringify({ machine, figures: rows, errors }, null, 2)}\n`);
process.exitCode = errors.length > 0 ? 1 : 0;
