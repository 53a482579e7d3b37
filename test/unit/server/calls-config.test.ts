/** Call configuration from the environment (extensions.md §15): timers, ICE servers, the demo tenant's calls. */
import { describe, expect, it } from 'vitest';
import { readEnvConfig } from '../../../demo/server/config.ts';

describe('ICE_SERVERS', () => {
  it('hands out no ICE servers by default and the configured ones when set', () => {
    expect(readEnvConfig({}).iceServers).toEqual([]);
    const servers = [{ urls: 'stun:stun.example.com:3478' }, { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'], username: 'u', credential: 'p' }];
    expect(readEnvConfig({ ICE_SERVERS: JSON.stringify(servers) }).iceServers).toEqual(servers);
  });

  it('stops the start with a message naming the problem', () => {
    expect(() => readEnvConfig({ ICE_SERVERS: '{"urls":' })).toThrow(/^ICE_SERVERS must be a JSON array of RTCIceServer objects/);
    expect(() => readEnvConfig({ ICE_SERVERS: '{"urls":"stun:x"}' })).toThrow('ICE_SERVERS must be a JSON array');
    expect(() => readEnvConfig({ ICE_SERVERS: '[{"urls":"https://x"}]' })).toThrow('ICE_SERVERS[0].urls must be a stun:, stuns:, turn: or turns: URL');
    expect(() => readEnvConfig({ ICE_SERVERS: '[{"urls":[]}]' })).toThrow('ICE_SERVERS[0].urls');
    expect(() => readEnvConfig({ ICE_SERVERS: '[{"urls":"stun:a"},{"urls":"turn:b"}]' })).toThrow('ICE_SERVERS[1]: a TURN server needs "username" and "credential"');
    expect(() => readEnvConfig({ ICE_SERVERS: '[{"urls":"stun:a","password":"x"}]' })).toThrow('ICE_SERVERS[0] has unknown keys: password');
  });
});

describe('call timers and the demo tenant\'s calls', () => {
  it('rings 45 s, waits 15 s for a dropped party and keeps links 30 min unless told otherwise', () => {
    const config = readEnvConfig({});
    expect(config).toMatchObject({ callRingTimeoutMs: 45_000, callDropGraceMs: 15_000, callLinkTtlMs: 1_800_000 });
    expect(config.demoTenantSettings.calls).toEqual({ voice: true, video: true });
    const set = readEnvConfig({ CALL_RING_TIMEOUT_MS: '30000', CALL_DROP_GRACE_MS: '5000', CALL_LINK_TTL_MS: '600000' });
    expect(set).toMatchObject({ callRingTimeoutMs: 30_000, callDropGraceMs: 5000, callLinkTtlMs: 600_000 });
    expect(() => readEnvConfig({ CALL_RING_TIMEOUT_MS: 'soon' })).toThrow('CALL_RING_TIMEOUT_MS must be an integer');
  });

  it('turns calls on and off for the demo tenant with DEMO_CALLS', () => {
    expect(readEnvConfig({ DEMO_CALLS: 'voice' }).demoTenantSettings.calls).toEqual({ voice: true, video: false });
    expect(readEnvConfig({ DEMO_CALLS: 'video, voice' }).demoTenantSettings.calls).toEqual({ voice: true, video: true });
    expect(readEnvConfig({ DEMO_CALLS: 'off' }).demoTenantSettings.calls).toEqual({ voice: false, video: false });
    expect(() => readEnvConfig({ DEMO_CALLS: 'phone' })).toThrow('DEMO_CALLS must be');
  });
});
