/**
 * The console's ringing calls against the real server: a call rings on every signed-in console
 * (also one opened while it rings), and stops ringing everywhere once anyone answers, declines,
 * or the visitor hangs up. (Answering with media is the Chromium e2e test's part.)
 */
import { signal } from '@preact/signals';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createAgentApi } from '../../../demo/console/api.ts';
import type { AgentAuth } from '../../../demo/console/auth.ts';
import { loadCallEngine } from '../../../demo/console/call-engine.ts';
import { type CallDesk, createCallDesk } from '../../../demo/console/calls.ts';
import type { CallSession } from '../../../src/contract/extensions.ts';
import { createRealtime } from '../../../src/realtime.ts';
import { client } from '../../contract/support.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

let server: TestServer;
let api: ReturnType<typeof client>;
let agentToken: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = client(server);
  agentToken = await api.agentToken();
});
afterAll(() => server.close());
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A console's call desk on its own socket, as the signed-in console builds it. */
async function openConsole(): Promise<CallDesk> {
  const token = signal<string | null>(agentToken);
  const auth: AgentAuth = {
    token,
    login: async () => undefined,
    getToken: async () => agentToken,
    refresh: async () => agentToken,
    logout: () => undefined,
  };
  const socket = createRealtime({ url: `${server.baseUrl.replace(/^http/, 'ws')}/realtime`, getToken: auth.getToken, WebSocket });
  const ready = new Promise<void>((resolve) => socket.onReady(resolve));
  const calls = createCallDesk({ api: createAgentApi(auth, server.baseUrl), socket, engine: loadCallEngine });
  socket.connect();
  cleanups.push(() => {
    calls.destroy();
    socket.close();
  });
  await ready;
  return calls;
}

/** A visitor with an open conversation who starts a call in it. */
async function visitorCalls(type: 'audio' | 'video' = 'video') {
  const visitor = await api.visitorWithConversation();
  const res = await api.call('POST', '/calls/sessions', { token: visitor.token, body: { conversationId: visitor.conversationId, type }, raw: true });
  expect(res.status).toBe(201);
  return { visitor, call: res.body.data.callSession as CallSession };
}

const ringingIds = (desk: CallDesk) => desk.ringing.value.map((c) => c.id);

describe('ringing calls in the console', () => {
  it('rings on every console and stops ringing on all once one agent answers', async () => {
    const [first, second] = await Promise.all([openConsole(), openConsole()]);
    const { call } = await visitorCalls('video');
    await vi.waitFor(() => {
      expect(ringingIds(first)).toEqual([call.id]);
      expect(ringingIds(second)).toEqual([call.id]);
    });
    expect(first.ringing.value[0]).toMatchObject({ type: 'video', conversationId: call.conversationId });

    const answered = await api.call('POST', `/agent-sdk/calls/${call.id}/answer`, { token: agentToken, raw: true });
    expect(answered.status).toBe(200);
    await vi.waitFor(() => {
      expect(ringingIds(first)).toEqual([]);
      expect(ringingIds(second)).toEqual([]);
    });
  });

  it('shows a call that was already ringing when the console opened', async () => {
    const { call } = await visitorCalls('audio');
    const late = await openConsole();
    await vi.waitFor(() => expect(ringingIds(late)).toContain(call.id));
    expect(late.ringing.value.find((c) => c.id === call.id)?.type).toBe('audio');
  });

  it('stops ringing when the visitor hangs up before anyone answers', async () => {
    const desk = await openConsole();
    const { visitor, call } = await visitorCalls();
    await vi.waitFor(() => expect(ringingIds(desk)).toContain(call.id));
    await api.call('PATCH', `/calls/sessions/${call.id}/end`, { token: visitor.token, body: {}, raw: true });
    await vi.waitFor(() => expect(ringingIds(desk)).not.toContain(call.id));
  });

  it('declines for the whole team: the visitor sees the call declined', async () => {
    const [mine, other] = await Promise.all([openConsole(), openConsole()]);
    const { visitor, call } = await visitorCalls();
    await vi.waitFor(() => expect(ringingIds(mine)).toContain(call.id));
    await mine.decline(call.id);
    expect(mine.problem.value).toBeNull();
    expect(ringingIds(mine)).not.toContain(call.id);
    await vi.waitFor(() => expect(ringingIds(other)).not.toContain(call.id));
    const seen = await api.call('GET', `/calls/sessions/${call.id}`, { token: visitor.token, raw: true });
    expect(seen.body.data.callSession).toMatchObject({ status: 'ended', endReason: 'declined' });
  });
});
