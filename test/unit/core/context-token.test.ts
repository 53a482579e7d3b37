/**
 * `getContextToken` (src/context-token.ts): every way the site's callback can go wrong ends in
 * one clear, final error that names the callback, never in an anonymous start or a request
 * carrying a secret.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { askContextToken } from '../../../src/context-token.ts';
import { RuntimeError } from '../../../src/errors.ts';

const failure = async (run: Promise<unknown>) => {
  const e = await run.then(() => undefined, (thrown: unknown) => thrown);
  expect(e).toBeInstanceOf(RuntimeError);
  return e as RuntimeError;
};

describe('askContextToken', () => {
  afterEach(() => void vi.useRealTimers());

  it('gives the token the callback gives, sync or async', async () => {
    await expect(askContextToken(() => 'eyJ.a.b')).resolves.toBe('eyJ.a.b');
    await expect(askContextToken(async () => 'eyJ.c.d')).resolves.toBe('eyJ.c.d');
  });

  it('a callback that throws or rejects (the visitor signed out): a final error naming the callback', async () => {
    for (const get of [
      () => {
        throw new Error('401 from /me/chat-token');
      },
      () => Promise.reject(new Error('401 from /me/chat-token')),
    ]) {
      const e = await failure(askContextToken(get));
      expect([e.code, e.retryable]).toEqual(['SDK_CONTEXT_TOKEN_INVALID', false]);
      expect(e.message).toMatch(/getContextToken\(\).*401 from \/me\/chat-token/);
    }
  });

  it('undefined, null, an empty string or an object (a misspelt field): an error, never an anonymous start', async () => {
    for (const [value, said] of [[undefined, 'undefined'], [null, 'null'], ['', 'an empty string'], [{ token: 'x' }, 'object']] as const) {
      const e = await failure(askContextToken(() => value as unknown as string));
      expect([e.code, e.retryable]).toEqual(['SDK_CONTEXT_TOKEN_INVALID', false]);
      expect(e.message).toContain(`received ${said}`);
    }
  });

  it('a Server API key: refused before any request, and not repeated in the message', async () => {
    const key = 'sk_live_0123456789abcdefghij';
    const e = await failure(askContextToken(() => key));
    expect([e.code, e.retryable]).toEqual(['SERVER_API_KEY_EXPOSED', false]);
    expect(e.message).not.toContain(key);
  });

  it('a hung backend: given up after 10 s, with an error that says so', async () => {
    vi.useFakeTimers();
    const asked = askContextToken(() => new Promise<string>(() => undefined));
    const settled = failure(asked);
    await vi.advanceTimersByTimeAsync(9_999);
    let done = false;
    void settled.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const e = await settled;
    expect([e.code, e.retryable]).toEqual(['SDK_CONTEXT_TOKEN_INVALID', false]);
    expect(e.message).toMatch(/getContextToken\(\).*no answer within 10 s/);
  });
});
