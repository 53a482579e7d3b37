/**
 * A `LISTEN` connection that looks open but hears nothing (half-open TCP, a pooler in
 * transaction mode) is noticed by the instance's own periodic probe and reopened: its sockets
 * are told to resume (1012) and frames flow again. PGlite (several instances in this process)
 * and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAttachmentLinkService } from '../../../demo/server/attachments/links.ts';
import { createCluster } from '../../../demo/server/cluster/setup.ts';
import type { Database, Listening } from '../../../demo/server/db/database.ts';
import { clusterEngines } from './cluster-engines.ts';
import type { Subscriber } from '../../../demo/server/realtime/hub.ts';

const engines = clusterEngines('listen');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(engines)('on %s', (_name, open) => {
  it('a deaf listener is found by its own probe, reopened, and the sockets resume', async () => {
    const real = await open();
    cleanups.push(() => real.close());
    // The connection stays up but nothing it is sent arrives, until it is reopened.
    let deaf = false;
    let reopened = 0;
    const db: Database = {
      ...real,
      async listen(channel, onPayload, onGap) {
        const inner = await real.listen!(channel, (payload) => deaf || onPayload(payload), onGap);
        const listening: Listening = () => inner();
        listening.reopen = () => {
          reopened++;
          deaf = false;
          // PGlite cannot drop: what the drop path does is told here.
          if (inner.reopen) inner.reopen();
          else onGap?.();
        };
        return listening;
      },
    };
    const errors: string[] = [];
    const cluster = createCluster(db, { links: createAttachmentLinkService('secret', 60), onError: (message) => void errors.push(message), listenProbeMs: 100, heartbeatMs: 60_000 });
    await cluster.start();
    cleanups.push(() => cluster.close());

    const received: string[] = [];
    const closed: number[] = [];
    const agent: Subscriber = { role: 'agent', tenantId: 't', subject: 'agent_1', send: (text) => received.push(text), close: (code) => void closed.push(code) };
    cluster.hub.add(agent);
    cluster.hub.toAgents('t', { type: 'typing', conversationId: 'conv_1', by: 'visitor', typing: true });
    await vi.waitFor(() => expect(received).toHaveLength(1));

    deaf = true;
    cluster.hub.toAgents('t', { type: 'typing', conversationId: 'conv_1', by: 'visitor', typing: false });
    // The probe goes unheard: the connection is reopened and the socket told to resume.
    await vi.waitFor(() => expect(closed).toContain(1012), { timeout: 10_000 });
    expect(reopened).toBeGreaterThanOrEqual(1);
    expect(errors.some((message) => message.includes('did not hear its own probe'))).toBe(true);
    expect(received).toHaveLength(1);

    // Listening again: frames reach the sockets (one sent before it is back is lost by design,
    // so each attempt sends another and checks the earlier ones).
    const fresh: string[] = [];
    cluster.hub.add({ role: 'agent', tenantId: 't', subject: 'agent_2', send: (text) => fresh.push(text) });
    await vi.waitFor(
      () => {
        cluster.hub.toAgent('t', 'agent_2', { type: 'typing', conversationId: 'conv_2', by: 'visitor', typing: true });
        expect(fresh.length).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
