import { describe, expect, it } from 'vitest';
import { logoUrl } from '../../../widget/app/logo.ts';

const API = 'https://chat.example.com/base/api';

// Which `branding.logoUrl` values the panel header draws (widget/app/logo.ts).
describe('tenant logo URL', () => {
  it('draws http(s) logos, and resolves a relative one against the API base', () => {
    expect(logoUrl('https://cdn.acme.example/logo.png', API)).toBe('https://cdn.acme.example/logo.png');
    expect(logoUrl('/logo.svg', API)).toBe('https://chat.example.com/logo.svg');
    expect(logoUrl('brand/logo.svg', API)).toBe('https://chat.example.com/base/api/brand/logo.svg');
  });

  it('draws an http: logo only when the widget itself is served over http: (no mixed content)', () => {
    expect(logoUrl('http://acme.example/l.svg', API)).toBeNull();
    expect(logoUrl('http://acme.example/l.svg', 'http://127.0.0.1:8192/api')).toBe('http://acme.example/l.svg');
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['mixed-case javascript: with spaces', '  JavaScript:alert(1)'],
    ['javascript: with a tab inside', 'java\tscript:alert(1)'],
    ['data:', 'data:image/svg+xml,<svg onload=alert(1)>'],
    ['blob:', 'blob:https://chat.example.com/1'],
    ['ftp:', 'ftp://x.example/logo.png'],
    ['unparsable', 'https://[::1'],
    ['empty', ''],
    ['a number', 42],
    ['an object', { href: 'https://x.example/a.png' }],
    ['absent', undefined],
  ])('draws nothing for %s', (_, value) => {
    expect(logoUrl(value, API)).toBeNull();
  });
});
