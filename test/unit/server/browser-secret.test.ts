import { describe, expect, it } from 'vitest';
import { hasServerKey } from '../../../demo/server/auth/browser-secret.ts';

const KEY = 'sk_live_9f8e7d6c5b4a39281706';

describe('recognising a Server API key', () => {
  it('finds a key standing alone, after a scheme word, in a query or a cookie', () => {
    for (const value of [KEY, `Bearer ${KEY}`, `apiKey=${KEY}`, `session=x; key=${KEY}`, `"${KEY}"`]) {
      expect(hasServerKey([value]), value).toBe(true);
    }
  });

  it('leaves random values alone that contain sk_ by chance (credentials, JWT signatures)', () => {
    // Found by the load bench: ~1 in 150,000 credentials and session tokens carried `-sk_…` or
    // `_sk_…`, and their visitor was refused on every visit.
    const tail = 'sk_Q2hhdEJvdFNpZ25hdHVyZQ';
    for (const value of [`Zm9v-${tail}`, `Zm9v_${tail}`, `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2In0.${tail}`, `Bearer eyJ.eyJ.${tail}`]) {
      expect(hasServerKey([value]), value).toBe(false);
    }
  });

});
