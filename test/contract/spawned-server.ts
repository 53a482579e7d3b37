/**
 * The reference server as a real child process (`node --import tsx demo/server/main.ts`), for
 * what only a process shows: `kill -9`, SIGTERM, exit codes. It listens on a free port (PORT=0)
 * and is found through the banner it prints. The child is the server itself (no npx/tsx
 * wrapper in between), so a signal sent to it reaches the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from '../helpers/server.ts';
import { DEMO_SERVER_API_KEY } from '../../demo/server/config.ts';
import { DEMO_PUBLIC_KEY, DEMO_TENANT_SLUG } from '../../demo/server/seed.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnedServer extends Omit<TestServer, 'close' | 'tokenSecret' | 'uploadDir' | 'sweepUploads' | 'filesOrigin' | 'filesPort'> {
  child: ChildProcess;
  /** Everything the server printed to stdout so far. */
  stdout(): string;
  /** Resolves when stdout has a line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the process (SIGKILL) if it still runs; for `afterAll`. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  dataDir: string;
  uploadDir: string;
  /** More environment variables (e.g. `RATE_LIMIT_*`, `SHUTDOWN_GRACE_MS`). */
  env?: Record<string, string>;
}

export async function spawnServer(options: SpawnOptions): Promise<SpawnedServer> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The child must use PGlite in dataDir and its own secret store, whatever the shell has set.
  delete env.DATABASE_URL;
  delete env.TOKEN_SECRET;
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server/main.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: options.dataDir, UPLOAD_DIR: options.uploadDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const check = () => {
    for (const w of [...watchers]) {
      const line = out.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    check();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      watchers.push({ pattern, resolve });
      check();
      void exited.then(({ code, signal }) => reject(new Error(`the server exited (${code ?? signal}) before printing ${pattern}:\n${out}\n${err}`)));
    });

  const apiLine = await waitFor(/^\s*API\s+http:\/\/\S+\/api$/);
  const baseUrl = apiLine.trim().split(/\s+/)[1] as string;
  const origin = baseUrl.replace(/\/api$/, '');
  return {
    child,
    baseUrl,
    origin,
    port: Number(new URL(origin).port),
    serverApiKey: DEMO_SERVER_API_KEY,
    publicKey: DEMO_PUBLIC_KEY,
    slug: DEMO_TENANT_SLUG,
    stdout: () => out,
    waitFor,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
