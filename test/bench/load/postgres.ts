/**
 * A PostgreSQL for the load bench's multi-instance figures (issue 10 item 5), found in this order:
 * 1. `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`): an existing server; the bench creates and drops
 *    its own databases beside the URL's one (the URL's role needs CREATEDB);
 * 2. Debian's binaries (`/usr/lib/postgresql/<v>/bin/postgres`) and we are root: a throwaway
 *    cluster, made the way `.ci/postgres.sh` makes it (initdb as `postgres`, trust auth, a temp
 *    folder, loopback only, fsync off), on a free port; stopped and removed when the bench exits,
 *    on SIGINT/SIGTERM, and (through a watchdog reading a pipe from us) even when the bench is
 *    SIGKILLed by the runner's time limit;
 * 3. otherwise none: {@link BenchPostgres.skipped} says why, and the bench prints it (no row).
 * Each configuration gets a fresh database ({@link BenchPostgres.freshDatabase}).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type BenchPostgres =
  | {
      /** Where it came from, for the log. */
      describe: string;
      /** Creates an empty database and answers its URL; it is dropped by {@link drop} or when the cluster goes. */
      freshDatabase(name: string): Promise<string>;
      drop(name: string): Promise<void>;
      /** Stops a throwaway cluster (nothing for an external server); safe to call more than once. */
      stop(): void;
    }
  | { skipped: string };

const PG_ROOT = '/usr/lib/postgresql';

/** Finds or starts a PostgreSQL, or says why there is none. */
export async function benchPostgres(): Promise<BenchPostgres> {
  const external = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (external) {
    const server = await onServer(external, `PostgreSQL at ${redact(external)}`, () => undefined);
    // A wrong URL is said once, as a skip, rather than as a crash after the PGlite figures.
    return server.reachable().then(
      () => server,
      (error: unknown) => ({ skipped: `${redact(external)} did not answer: ${error instanceof Error ? error.message : String(error)}` }),
    );
  }
  const bin = newestBin();
  if (!bin) return { skipped: `no PostgreSQL: set BENCH_DATABASE_URL, or install Debian's postgresql (${PG_ROOT}/*/bin/postgres)` };
  if (process.getuid?.() !== 0) return { skipped: 'no BENCH_DATABASE_URL, and a throwaway cluster needs root (initdb runs as the postgres user)' };
  return startCluster(bin);
}

function newestBin(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = versions.at(-1);
  return newest ? path.join(PG_ROOT, newest, 'bin') : undefined;
}

/** Runs a command as the `postgres` user, as `.ci/postgres.sh` does. */
function asPostgres(command: string): void {
  execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startCluster(bin: string): Promise<BenchPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringnity-load-pg-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  const data = path.join(dir, 'data');
  const stopCommand = `${bin}/pg_ctl -D ${data} -m fast stop`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      asPostgres(stopCommand);
    } catch {
      // Not running (never started, or the watchdog stopped it): nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  // The watchdog: holds our pipe; when it closes (we exited in any way, SIGKILL included) it stops the cluster.
  const watchdog = spawn('sh', ['-c', `cat >/dev/null; su postgres -s /bin/sh -c '${stopCommand}' >/dev/null 2>&1; rm -rf '${dir}'`], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  if (watchdog.stdin instanceof net.Socket) watchdog.stdin.unref();
  try {
    const port = await freePort();
    asPostgres(`${bin}/initdb -D ${data} -A trust -U postgres`);
    asPostgres(`${bin}/pg_ctl -D ${data} -l ${dir}/log -w -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start`);
    const version = /\d+(\.\d+)+/.exec(execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }))?.[0] ?? '';
    return await onServer(`postgres://postgres@127.0.0.1:${port}/postgres`, `PostgreSQL ${version}, a throwaway cluster on 127.0.0.1:${port} (fsync off, as in .ci)`, stop);
  } catch (error) {
    stop();
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr) : '';
    return { skipped: `the throwaway PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)} ${stderr}`.trim() };
  }
}

/** Databases are made and dropped through a short-lived admin connection to `adminUrl`. */
async function onServer(adminUrl: string, describe: string, stop: () => void): Promise<Exclude<BenchPostgres, { skipped: string }> & { reachable(): Promise<void> }> {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const quoted = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    return `"${name}"`;
  };
  return {
    describe,
    reachable: () => admin('SELECT 1'),
    async freshDatabase(name) {
      await admin(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${quoted(name)}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    drop: (name) => admin(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`),
    stop,
  };
}

/** A URL without its password, for the log. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'BENCH_DATABASE_URL';
  }
}
