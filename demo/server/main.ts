/**
 * `npm start` / `tsx demo/server/main.ts`: starts the reference server from environment
 * variables (see config.ts) and shuts it down gracefully on SIGINT/SIGTERM: stop accepting,
 * close sockets with 1012, let running requests finish (bounded), close the database.
 */
import { createServer } from './app.ts';
import { readEnvConfig } from './config.ts';
import { describeRateLimits } from './limits/rules.ts';

let config: ReturnType<typeof readEnvConfig>;
try {
  config = readEnvConfig();
} catch (error) {
  // A bad variable is the operator's to fix: say which, without a stack trace.
  process.stderr.write(`Configuration error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
let server: Awaited<ReturnType<typeof createServer>>;
try {
  server = await createServer(config);
} catch (error) {
  // A taken port (PORT, or FILES_PORT for the files origin) is the operator's to fix: say so plainly.
  const taken = error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Could not start: ${message}${taken ? ' (set PORT and FILES_PORT to free ports)' : ''}\n`);
  process.exit(1);
}
const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${server.port}`;
process.stdout.write(
  [
    'Ringnity reference server is running:',
    `  demo site  ${base}/`,
    `  console    ${base}/console   (sign in demo / demo)`,
    `  API        ${base}/api`,
    `  files      ${server.filesOrigin(base)}   (uploaded files only; FILES_PORT / FILES_ORIGIN)`,
    `  realtime   ${base.replace(/^http/, 'ws')}/api/realtime`,
    `  calls      page ${base}/call/, ${config.iceServers.length} ICE server(s), ring ${config.callRingTimeoutMs / 1000} s`,
    `  storage    ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`}`,
    `  uploads    ${config.uploadDir}`,
    `  limits     ${describeRateLimits(config.rateLimits)}`,
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second Ctrl-C forces it
    stopping = true;
    // close() stops accepting before it returns; the line below is printed after that.
    const closed = server.close();
    process.stdout.write(`\n${signal}: stopped accepting, finishing requests (at most ${config.shutdownGraceMs} ms)…\n`);
    closed.then(
      () => {
        process.stdout.write('Stopped: requests finished, database closed.\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
