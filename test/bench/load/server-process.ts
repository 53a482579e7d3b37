/**
 * Starts reference server processes for the load bench, each on a free port with its own PGlite
 * folder in the OS temp dir, rate limits off and AI routing off (the bench measures delivery,
 * not the AI), and makes sure none outlives the bench: killed on exit, on SIGINT/SIGTERM, and,
 * through the stdin watchdog in `server-entry.ts`, even when the bench itself is SIGKILLed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ENTRY = path.join('test', 'bench', 'load', 'server-entry.ts');

/** One running server as the generator sees it. */
export interface LoadServer {
  /** `http://127.0.0.1:PORT/api` */
  baseUrl: string;
  /** `http://127.0.0.1:PORT`: sent as `Origin`, as the demo site's browser would. */
  origin: string;
  /** The server process (its `/proc` entry is what the bench reads). */
  pid: number;
  /** The last of what it wrote to stderr, to explain a crash. */
  stderrTail(): string;
  /** Collects the server's garbage; tells its live memory and its event loop's delays since the last probe. */
  probe(): Promise<ServerProbe>;
}

/** What the server says of itself (`server-entry.ts`), between two probes. */
export interface ServerProbe {
  /** Heap used + external (buffers, WASM memory) after a full collection, bytes. */
  liveBytes: number;
  /** Event loop delay since the previous probe, p99 and max, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
}

export interface LoadServers {
  servers: LoadServer[];
  /** Kills every server and removes its data; safe to call more than once. */
  stop(): void;
}

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

// Registered once: whatever ends the bench, the servers end too.
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Starts `count` servers in parallel; each is ready (listening, banner printed) when this resolves.
 * `nodeArgs` go to each server's `node` (e.g. `--cpu-prof`, to see where a step's time goes).
 */
export async function startLoadServers(count: number, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<LoadServers> {
  const servers = await Promise.all(Array.from({ length: count }, () => startOne(env, nodeArgs)));
  return { servers, stop: killAll };
}

async function startOne(extraEnv: Record<string, string>, nodeArgs: string[]): Promise<LoadServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringnity-load-'));
  dirs.add(dir);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Its own PGlite and secret, whatever the shell has set.
  delete env.DATABASE_URL;
  delete env.TOKEN_SECRET;
  const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, '--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env: {
      ...env,
      PORT: '0',
      FILES_PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dir, 'data'),
      UPLOAD_DIR: path.join(dir, 'uploads'),
      RATE_LIMITS: 'off',
      DEMO_AI_ROUTING: 'human_only',
      LOAD_TEMP_DIR: dir,
      ...extraEnv,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-4000);
  });
  // stdout: the banner once, then an `@@gc {…}` line per probe() call, in order.
  const gcWaiters: { resolve: (probe: ServerProbe) => void; reject: (error: Error) => void }[] = [];
  child.once('exit', (code, signal) => {
    for (const w of gcWaiters.splice(0)) w.reject(new Error(`the server ${child.pid} exited (${code ?? signal}):\n${err}`));
  });
  let out = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let listening = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      let newline: number;
      while ((newline = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, newline);
        out = out.slice(newline + 1);
        const api = /^\s*API\s+(http:\/\/\S+\/api)$/.exec(line);
        if (api && !listening) {
          listening = true;
          resolve(api[1]!);
        }
        if (line.startsWith('@@gc ')) {
          const { heapUsed, external, loopP99Ms, loopMaxMs } = JSON.parse(line.slice(5)) as { heapUsed: number; external: number; loopP99Ms: number; loopMaxMs: number };
          gcWaiters.shift()?.resolve({ liveBytes: heapUsed + external, loopP99Ms, loopMaxMs });
        }
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`the server exited (${code ?? signal}) before it listened:\n${err}`)));
  });
  const probe = () =>
    new Promise<ServerProbe>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the server ${child.pid} has exited:\n${err}`));
      gcWaiters.push({ resolve, reject });
      child.stdin!.write('gc\n');
    });
  return { baseUrl, origin: baseUrl.replace(/\/api$/, ''), pid: child.pid!, stderrTail: () => err, probe };
}
