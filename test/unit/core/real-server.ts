/**
 * The shared set-up of core tests that talk to the real server: one server and one agent per
 * file, and every runtime a test creates destroyed after it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Runtime } from '../../../src/index.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { agentOf, type Agent } from './agent.ts';

export interface RealServer {
  readonly server: TestServer;
  readonly agent: Agent;
  /** Runtimes to destroy after the current test. */
  readonly runtimes: Runtime[];
}

/** Registers the hooks; read `server` and `agent` inside tests (they exist after `beforeAll`). */
export function useRealServer(): RealServer {
  let server: TestServer | undefined;
  let agent: Agent | undefined;
  const runtimes: Runtime[] = [];
  beforeAll(async () => {
    server = await startTestServer({ log: false });
    agent = await agentOf(server);
  });
  afterEach(() => {
    for (const runtime of runtimes.splice(0)) runtime.destroy();
  });
  afterAll(() => server?.close());
  return {
    get server() {
      if (!server) throw new Error('the test server starts in beforeAll');
      return server;
    },
    get agent() {
      if (!agent) throw new Error('the test server starts in beforeAll');
      return agent;
    },
    runtimes,
  };
}
