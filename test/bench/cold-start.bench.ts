/**
 * Cold start (issue 9 item 7): the reference server as its own process (`node --import tsx
 * demo/server/main.ts`, as `npm start` runs it) from spawn to the first `200` of
 * `GET /api/sdk/health`, on an empty database (a new PGlite folder: migrations and the demo seed
 * run) and on one of 100,000 messages (`BENCH_COLD_MESSAGES`; 10 conversations, seeded once
 * into a folder in the OS temp dir and reused by later runs). `BENCH_COLD_RUNS` (default 3)
 * runs each, median. Run alone: `npx tsx test/bench/cold-start.bench.ts`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../demo/server/db/database.ts';
import { migrationsHash } from '../../demo/server/db/open.ts';
import { createMemoryStorage, createRuntime } from '../../src/index.ts';
import { spawnServer } from '../contract/spawned-server.ts';
import { HUMAN_ONLY } from '../e2e/two-sides.ts';
import { startTestServer } from '../helpers/server.ts';
import { report } from './figures.ts';
import { seedMessages } from './seed-messages.ts';
import { envCount, median } from './stats.ts';

const runs = envCount('BENCH_COLD_RUNS', 3);
const messages = envCount('BENCH_COLD_MESSAGES', 100_000);
const CONVERSATIONS = 10;

/** A PGlite folder holding `messages` messages, made once (a marker file says it is complete). */
async function seededDataDir(): Promise<string> {
  // Named by the migrations too: a folder made by an older schema is never reused.
  const dir = path.join(os.tmpdir(), `ringnity-bench-${messages}-messages-${migrationsHash()}`);
  const done = path.join(dir, '.bench-seeded');
  if (existsSync(done)) return dir;
  await rm(dir, { recursive: true, force: true });
  let db: Database | undefined;
  const server = await startTestServer({ ...HUMAN_ONLY, log: false, dataDir: dir, seed: async (d) => void (db = d) });
  try {
    for (let i = 0; i < CONVERSATIONS; i++) {
      // Each conversation is a real visitor's: their first message through the runtime core.
      const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, storage: createMemoryStorage(), realtime: false });
      await runtime.start();
      await runtime.conversation.send(`visitor ${i}`);
      const id = runtime.conversation.id.value!;
      runtime.destroy();
      await seedMessages(db!, id, Math.ceil(messages / CONVERSATIONS) - 1);
    }
  } finally {
    await server.close();
  }
  await writeFile(done, new Date().toISOString());
  return dir;
}

/** ms from spawning the server to its first healthy answer. */
async function startToHealthy(dataDir: string): Promise<number> {
  const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-bench-uploads-'));
  const start = performance.now();
  const server = await spawnServer({ dataDir, uploadDir });
  try {
    // The banner comes once it listens; ask until health answers (a server may listen before it serves).
    for (;;) {
      const response = await fetch(`${server.baseUrl}/sdk/health`).catch(() => undefined);
      if (response?.ok) return performance.now() - start;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await server.stop();
    await rm(uploadDir, { recursive: true, force: true });
  }
}

const seeding = performance.now();
const big = await seededDataDir();
console.log(`${messages} messages ready in ${((performance.now() - seeding) / 1000).toFixed(1)} s (${big})`);
const empty: number[] = [];
const full: number[] = [];
for (let i = 0; i < runs; i++) {
  const fresh = await mkdtemp(path.join(os.tmpdir(), 'ringnity-bench-empty-'));
  empty.push(await startToHealthy(fresh));
  await rm(fresh, { recursive: true, force: true });
  full.push(await startToHealthy(big));
}
report(
  { id: 'coldstart.empty', label: 'server start to healthy, empty database', value: median(empty), unit: 'ms', note: `spawned process, median of ${runs}` },
  { id: 'coldstart.seeded', label: `server start to healthy, ${messages.toLocaleString('en')} messages`, value: median(full), unit: 'ms', note: `spawned process, median of ${runs}` },
);
