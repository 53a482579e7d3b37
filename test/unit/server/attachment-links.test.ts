/** Signed attachment links: valid until they expire, useless for another id or when altered. */
import { describe, expect, it } from 'vitest';
import { createAttachmentLinkService } from '../../../demo/server/attachments/links.ts';

function parts(url: string) {
  const u = new URL(url);
  return { id: decodeURIComponent(u.pathname.split('/').pop() ?? ''), exp: u.searchParams.get('exp') ?? undefined, sig: u.searchParams.get('sig') ?? undefined };
}

describe('attachment links', () => {
  it('verifies its own link until it expires, then refuses it', () => {
    let now = Date.UTC(2026, 0, 1);
    const links = createAttachmentLinkService('secret', 3600, () => now);
    const { url, expiresAt } = links.forOrigin('https://chat.example').sign('att_1');
    expect(url).toMatch(/^https:\/\/chat\.example\/api\/attachments\/att_1\?exp=\d+&sig=/);
    const p = parts(url);
    expect(links.verify(p.id, p.exp, p.sig)).toBe(true);
    now = Date.parse(expiresAt) - 1;
    expect(links.verify(p.id, p.exp, p.sig)).toBe(true);
    now = Date.parse(expiresAt);
    expect(links.verify(p.id, p.exp, p.sig)).toBe(false);
  });

  it('mints the same URL within one TTL step, so browsers can cache the file', () => {
    let now = Date.UTC(2026, 0, 1, 10, 0, 0);
    const links = createAttachmentLinkService('secret', 3600, () => now).forOrigin('http://x');
    const first = links.sign('att_1').url;
    now += 59 * 60 * 1000;
    expect(links.sign('att_1').url).toBe(first);
  });

  it('refuses another id, an altered expiry, a missing signature and another server\'s signature', () => {
    const links = createAttachmentLinkService('secret', 3600);
    const p = parts(links.forOrigin('http://x').sign('att_1').url);
    expect(links.verify('att_2', p.exp, p.sig)).toBe(false);
    expect(links.verify(p.id, String(Number(p.exp) + 1), p.sig)).toBe(false);
    expect(links.verify(p.id, p.exp, undefined)).toBe(false);
    expect(createAttachmentLinkService('other', 3600).verify(p.id, p.exp, p.sig)).toBe(false);
  });
});
