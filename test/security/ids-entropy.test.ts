/**
 * Ids carry at least 122 random bits (issue 8 item 7), so a foreign id cannot be guessed or
 * enumerated. Every kind of id the server mints is read from real responses: visitors,
 * conversations, messages, attachments, calls, push registrations, AI conversations and
 * streams (`prefix_` + 22 base64url characters = 128 bits), call links (a signed token whose
 * `jti` is a UUIDv4) and the visitor credential (192 bits).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newId } from '../../demo/server/ids.ts';
import { useContractServer } from '../contract/support.ts';
import { PNG } from '../contract/fixtures/files.ts';

/** Visitors (each minting one id of every kind) for the per-position spread check. */
const RUNS = 30;
const SERVER_DIR = path.resolve(import.meta.dirname, '../../demo/server');


const { api } = useContractServer();

/** Random bits in `prefix_<base64url>`: 6 per character, capped by the bytes they decode to. */
function randomBits(id: string, prefix: string): number {
  expect(id, id).toMatch(new RegExp(`^${prefix}_[A-Za-z0-9_-]+$`));
  const body = id.slice(prefix.length + 1);
  return Math.min(body.length * 6, Buffer.from(body, 'base64url').length * 8);
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ids in real responses', () => {
  it('carry at least 122 random bits, never repeat, and are random in every position (no time or counter prefix)', async () => {
    const ids: Record<string, string[]> = { vis: [], conv: [], msg: [], att: [], call: [], dev: [], aic: [] };
    for (let i = 0; i < RUNS; i++) {
      const v = await api.visitorWithConversation();
      ids.vis!.push(v.visitorId);
      ids.conv!.push(v.conversationId);
      const conv = `/chat/visitor/conversations/${v.conversationId}`;
      const sent = await api.call('POST', `${conv}/messages`, { token: v.token, body: { body: `hello ${i}` } });
      ids.msg!.push(sent.body.data.message.messageId);
      const up = await api.upload(`${conv}/attachments/upload`, v.token, { name: 'a.png', type: 'image/png', bytes: PNG });
      ids.att!.push(up.body.data.attachment.attachmentId);
      const call = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'audio' } });
      ids.call!.push(call.body.data.callSession.id);
      const device = await api.call('POST', '/sdk/devices/push-token', { token: v.token, body: { token: `fcm-${i}-${'x'.repeat(40)}`, platform: 'android' } });
      ids.dev!.push(device.body.data.device.id);
      const ai = await api.call('POST', '/ai/visitor/conversations', { token: v.token, body: {} });
      ids.aic!.push(ai.body.data.aiConversationId);
      // The visitor credential (kept on the device) is a bare secret: at least 128 bits.
      expect(Buffer.from(v.credential, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    }
    for (const [prefix, list] of Object.entries(ids)) {
      expect(list, prefix).toHaveLength(RUNS);
      for (const id of list) expect(randomBits(id, prefix), id).toBeGreaterThanOrEqual(122);
      expect(new Set(list).size, prefix).toBe(list.length);
      // Length alone would pass a 22-character id led by a timestamp or a counter. Among 30
      // random ids each of the 21 full characters takes about 24 of the 64 values; a time or
      // counter prefix takes one or two in its leading positions.
      const bodies = list.map((id) => id.slice(prefix.length + 1));
      for (let position = 0; position < 21; position++) {
        const distinct = new Set(bodies.map((body) => body[position])).size;
        expect(distinct, `${prefix} position ${position}`).toBeGreaterThanOrEqual(10);
      }
    }
  });

  it('are never minted shorter than 128 bits (no newId call in the server passes fewer than 16 bytes)', async () => {
    const files = (await readdir(SERVER_DIR, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = await readFile(path.join(SERVER_DIR, file), 'utf8');
      // A second argument to newId under 16 bytes shortens ids below 128 bits.
      for (const match of text.matchAll(/\bnewId\(\s*'[a-z]+'\s*,\s*(\d+)\s*\)/g)) {
        expect(Number(match[1]), `${file}: ${match[0]}`).toBeGreaterThanOrEqual(16);
      }
    }
  });

  it('make call links unguessable: a signed token with a UUIDv4 jti', async () => {
    const v = await api.visitorWithConversation();
    const link = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: {} });
    const token = String(link.body.data.callLink.url).split('#')[1] ?? '';
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()).jti).toMatch(UUID_V4);
    expect(Buffer.from(signature ?? '', 'base64url')).toHaveLength(32);
  });
});

describe('newId', () => {
  it('mints 128 bits by default, spread over the whole base64url alphabet', () => {
    const ids = Array.from({ length: 2000 }, () => newId('x'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) expect(randomBits(id, 'x')).toBe(128);
    // 2000 × 21 full characters: every one of the 64 symbols shows up (a constant or narrow
    // source would not), and none is more than twice as common as it should be.
    const counts = new Map<string, number>();
    for (const id of ids) for (const ch of id.slice(2, 23)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(64);
    const expected = (ids.length * 21) / 64;
    for (const [ch, n] of counts) expect(n, ch).toBeLessThan(expected * 2);
  });
});
