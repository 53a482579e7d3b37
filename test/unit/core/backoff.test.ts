import { describe, expect, it } from 'vitest';
import { backoff } from '../../../src/lib/backoff.ts';

describe('reconnect backoff', () => {
  it('stays within [0, min(cap, base·2^attempt)) for every attempt (full jitter)', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      for (let i = 0; i < 200; i++) {
        const delay = backoff(attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('spreads clients over the whole window instead of bunching them', () => {
    const delays = Array.from({ length: 2_000 }, () => backoff(3));
    expect(Math.min(...delays)).toBeLessThan(400);
    expect(Math.max(...delays)).toBeGreaterThan(3_600);
  });

  it('reaches exactly the bounds at the extremes of the random draw', () => {
    expect(backoff(0, {}, () => 0)).toBe(0);
    expect(backoff(2, {}, () => 0.999_999)).toBe(1_999);
    expect(backoff(50, {}, () => 0.999_999)).toBe(29_999);
    expect(backoff(4, { base: 10, cap: 100 }, () => 0.5)).toBe(50);
  });
});
