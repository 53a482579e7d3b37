import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { connect } from './socket.ts';
import { useContractServer } from './support.ts';


const { server, api } = useContractServer({ tenantSettings: { expectedReplyMinutes: 30 } });
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

const presence = (status: string) => api.call('PATCH', '/agent-sdk/presence', { token: agent, body: { status } });
const isAvailability = (f: ServerFrame) => f.type === 'availability';

describe('availability follows the team\'s presence', () => {
  it('is online, away while agents are busy, offline when none is signed in, with the expected reply time', async () => {
    const v = await api.newVisitor();
    const read = async () => (await api.call('GET', '/chat/visitor/availability', { token: v.token })).body.data;
    expect(await read()).toEqual({ available: true, status: 'available', state: 'online', agentsOnline: 1, expectedReplyMinutes: 30 });
    await presence('busy');
    expect(await read()).toMatchObject({ available: false, state: 'away', agentsOnline: 0, expectedReplyMinutes: 30, reason: expect.stringMatching(/busy.*30 minutes/) });
    await presence('offline');
    expect(await read()).toMatchObject({ available: false, state: 'offline', reason: expect.stringMatching(/No one is online/) });
    await presence('available');
    expect(await read()).toMatchObject({ available: true, state: 'online' });
  });

  it('tells connected visitors when it changes, and only then', async () => {
    const v = await api.newVisitor();
    const socket = await connect(server.baseUrl, v.token);
    try {
      await presence('busy');
      expect(await socket.next(isAvailability)).toMatchObject({ type: 'availability', availability: { available: false, state: 'away' } });
      await presence('unavailable'); // the same state as busy: no frame
      await presence('available');
      expect(await socket.next(isAvailability)).toMatchObject({ availability: { available: true, state: 'online', agentsOnline: 1 } });
    } finally {
      socket.close();
    }
  });
});
