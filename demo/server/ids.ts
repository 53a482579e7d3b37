/** Random identifiers and secrets. */
import { createHash, randomBytes } from 'node:crypto';

/**
 * A prefixed random id, e.g. `conv_3q2…`: 128 random bits (22 base64url characters) by default,
 * above the 122 of a UUIDv4, so a foreign id cannot be guessed or enumerated (extensions.md §4).
 */
export function newId(prefix: string, bytes = 16): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** A secret of `bytes` random bytes, base64url (the visitor credential uses 24 bytes = 192 bits). */
export function newSecret(bytes = 24): string {
  const secret = randomBytes(bytes).toString('base64url');
  // A credential must never look like a Server API key (`auth/browser-secret.ts` refuses those).
  return secret.startsWith('sk_') ? newSecret(bytes) : secret;
}

/** SHA-256 hex: how credentials and API keys are stored (high-entropy secrets need no slow hash). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
