/**
 * The console's ringing calls against the real server: a call rings on every signed-in console
 * (also one opened while it rings), and stops ringing everywhere once anyone answers, declines,
 * or the visitor hangs up. (Answering with media is the Chromium e2e test's part.)
 */
import { signal } from '@preact/signals';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createAgentApi } from '../../../demo/console/api.ts';
import type { AgentAuth } from '../../../demo/console/auth.ts';
import { loadCallEngine } from '../../../demo/console/call-engine.ts';
import { type CallDesk, type CallDeskOptions, createCallDesk, whileRinging } from '../../../demo/console/calls.ts';
import type { ActiveCall } from '../../../src/calls/types.ts';
import type { CallSession } from '../../../src/contract/extensions.ts';
import { createRealtime } from '../../../src/realtime.ts';
import { useContractServer } from '../../contract/support.ts';
import { FakeRTC, fakeMedia } from '../core/calls-fakes.ts';

const { server, api } = useContractServer();
let agentToken: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  agentToken = await api.agentToken();
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A console's call desk on its own socket, as the signed-in console builds it (`change` swaps parts, as a test needs). */
async function openConsole(change: (o: CallDeskOptions) => CallDeskOptions = (o) => o): Promise<CallDesk> {
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
  const calls = createCallDesk(change({ api: createAgentApi(auth, server.baseUrl), socket, engine: loadCallEngine }));
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

describe('the console’s ringing, when things happen at once', () => {
  it('keeps a call that started ringing while the list of calls was being read', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    // The list read at (re)connect answers late, with what was true before the call started.
    const desk = await openConsole((o) => ({ ...o, api: { ...o.api, liveCalls: () => slow.then(() => []) } }));
    const { call } = await visitorCalls();
    await vi.waitFor(() => expect(ringingIds(desk)).toContain(call.id));

    release();
    await slow;
    await new Promise((resolve) => setImmediate(resolve));

    expect(ringingIds(desk)).toContain(call.id);
  });

  it('an agent who hangs up at the permission prompt leaves the call ringing, here and for the team', async () => {
    const media = fakeMedia();
    let allow!: () => void;
    const asked = new Promise<void>((resolve) => (allow = resolve));
    const mediaDevices = { ...media.devices, getUserMedia: async (c: MediaStreamConstraints) => (await asked, media.devices.getUserMedia(c)) } as MediaDevices;
    const [desk, other] = await Promise.all([openConsole((o) => ({ ...o, mediaDevices, RTCPeerConnection: FakeRTC })), openConsole()]);
    const { visitor, call } = await visitorCalls('audio');
    await vi.waitFor(() => expect(ringingIds(desk)).toContain(call.id));

    const accepting = desk.accept(call.id);
    await vi.waitFor(() => expect(desk.active.value?.phase.value).toBe('preparing'));
    const hungUp = desk.active.value!.hangUp();
    allow();
    await Promise.all([accepting, hungUp]);

    expect(desk.active.value).toBeNull();
    expect(ringingIds(desk)).toContain(call.id);
    expect(ringingIds(other)).toContain(call.id);
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    const seen = await api.call('GET', `/calls/sessions/${call.id}`, { token: visitor.token, raw: true });
    expect(seen.body.data.callSession).toMatchObject({ status: 'started' });
  });

  it('rings once while calls come and go, and stops when none rings or the agent is in a call', () => {
    const ringing = signal<readonly CallSession[]>([]);
    const active = signal<ActiveCall | null>(null);
    const desk = { ringing, active } as unknown as CallDesk;
    const tones: string[] = [];
    const stop = whileRinging(desk, () => {
      tones.push('start');
      return () => tones.push('stop');
    });
    const a = { id: 'a' } as CallSession;

    ringing.value = [a];
    ringing.value = [a, { id: 'b' } as CallSession];
    ringing.value = [{ ...a }];
    expect(tones).toEqual(['start']);
    active.value = { phase: signal('connected') } as unknown as ActiveCall;
    expect(tones).toEqual(['start', 'stop']);
    active.value = null;
    ringing.value = [];
    expect(tones).toEqual(['start', 'stop', 'start', 'stop']);
    stop();
  });
});
