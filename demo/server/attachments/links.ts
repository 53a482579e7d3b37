/**
 * Signed, expiring attachment URLs (extensions.md §7). An `<img src>` cannot send the session
 * header, so the URL itself carries the authorisation: `exp` and an HMAC over `id.exp`, keyed
 * with a key derived from the token secret (so a link can never pass as a token or vice versa).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Mints links for one public origin (the origin the API was called on). */
export interface AttachmentLinks {
  sign(attachmentId: string): { url: string; expiresAt: string };
}

export interface AttachmentLinkService {
  forOrigin(origin: string): AttachmentLinks;
  /** True when `sig` is this server's signature of `attachmentId` and `exp` and `exp` is in the future. */
  verify(attachmentId: string, exp: string | undefined, sig: string | undefined): boolean;
}

export const ATTACHMENT_ROUTE = '/api/attachments';

export function createAttachmentLinkService(secret: string, ttlSeconds: number, now: () => number = Date.now): AttachmentLinkService {
  const key = createHmac('sha256', secret).update('ringnity attachment links').digest();
  const mac = (id: string, exp: number) => createHmac('sha256', key).update(`${id}.${exp}`).digest('base64url');
  return {
    forOrigin(origin) {
      return {
        sign(attachmentId) {
          // Expiry rounded up to a whole TTL step: every read within one step mints the same URL,
          // so browsers reuse the cached image instead of downloading it again per history read.
          const seconds = Math.floor(now() / 1000);
          const exp = (Math.floor(seconds / ttlSeconds) + 2) * ttlSeconds;
          const url = `${origin}${ATTACHMENT_ROUTE}/${encodeURIComponent(attachmentId)}?exp=${exp}&sig=${mac(attachmentId, exp)}`;
          return { url, expiresAt: new Date(exp * 1000).toISOString() };
        },
      };
    },
    verify(attachmentId, exp, sig) {
      if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
      const expiry = Number(exp);
      if (expiry * 1000 <= now()) return false;
      const expected = Buffer.from(mac(attachmentId, expiry));
      const given = Buffer.from(sig);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
