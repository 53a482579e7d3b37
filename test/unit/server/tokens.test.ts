import { describe, expect, it } from 'vitest';
import { createTokenService } from '../../../demo/server/auth/tokens.ts';

describe('session tokens', () => {
  it('mints a different token each time, even for the same subject within one second', async () => {
    const tokens = createTokenService('a-test-secret-that-is-long-enough-for-hs256');
    const claims = { typ: 'visitor', tid: 'client_acme', sub: 'vis_1' } as const;
    const [a, b] = await Promise.all([tokens.sign(claims, 900), tokens.sign(claims, 900)]);
    expect(a.token).not.toBe(b.token);
    await expect(tokens.verify(a.token)).resolves.toMatchObject({ sub: 'vis_1', tid: 'client_acme' });
  });
});
