/** Random identifiers and secrets. */
import { createHash, randomBytes } from 'node:crypto';

/**
 * A prefixed random id, e.g. `conv_3q2…` (96 bits by default: unguessable, so a foreign id
 * cannot be probed). `bytes` raises it where an id alone opens something (calls: 128 bits).
 */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** A secret of `bytes` random bytes, base64url (the visitor credential uses 24 bytes = 192 bits). */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex: how credentials and API keys are stored (high-entropy secrets need no slow hash). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
