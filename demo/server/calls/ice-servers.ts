/**
 * `ICE_SERVERS`: the STUN/TURN servers both parties of a call get (extensions.md §15). Checked
 * once at startup, so a typo stops the server with a clear message instead of failing calls later.
 */
import type { CallIceServer } from '../../../src/contract/extensions.ts';

export type IceServer = CallIceServer;

const URL_SCHEME = /^(stun|stuns|turn|turns):\S+$/;

/** Parses the JSON array; throws an Error naming the first problem. */
export function parseIceServers(text: string): IceServer[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`ICE_SERVERS must be a JSON array of RTCIceServer objects: ${error instanceof Error ? error.message : 'unparseable'}`);
  }
  if (!Array.isArray(value)) throw new Error('ICE_SERVERS must be a JSON array, e.g. [{"urls":"stun:stun.example.com:3478"}]');
  return value.map((entry: unknown, i) => checkServer(entry, `ICE_SERVERS[${i}]`));
}

function checkServer(entry: unknown, where: string): IceServer {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${where} must be an object with "urls"`);
  const { urls, username, credential, ...rest } = entry as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new Error(`${where} has unknown keys: ${extra.join(', ')} (allowed: urls, username, credential)`);
  const list = typeof urls === 'string' ? [urls] : urls;
  if (!Array.isArray(list) || list.length === 0 || !list.every((u): u is string => typeof u === 'string' && URL_SCHEME.test(u))) {
    throw new Error(`${where}.urls must be a stun:, stuns:, turn: or turns: URL, or a non-empty array of them`);
  }
  if (username !== undefined && typeof username !== 'string') throw new Error(`${where}.username must be a string`);
  if (credential !== undefined && typeof credential !== 'string') throw new Error(`${where}.credential must be a string`);
  if (list.some((u) => u.startsWith('turn')) && (username === undefined || credential === undefined)) {
    throw new Error(`${where}: a TURN server needs "username" and "credential"`);
  }
  return {
    urls: urls as string | string[],
    ...(username !== undefined ? { username } : {}),
    ...(credential !== undefined ? { credential } : {}),
  };
}
