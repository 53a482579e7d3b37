/**
 * Visitor-typed identity (extensions.md §10): the pre-chat form's name and email, or
 * `identify()` data. The contract schema checks types and the email format; this trims and
 * bounds them. It always stays unverified (only a context token verifies).
 */
import type { VisitorIdentity } from '../../../src/contract/extensions.ts';
import { ApiError } from '../http/errors.ts';
import { invalid } from '../http/validate.ts';
import type { PreChatForm } from '../store/tenant-settings.ts';
import type { VisitorRow } from '../store/visitors.ts';

const MAX_NAME = 100;
const MAX_EMAIL = 254;

export function checkIdentity(identity: VisitorIdentity | undefined): VisitorIdentity | undefined {
  if (!identity) return undefined;
  const out: VisitorIdentity = { ...identity };
  if (identity.name !== undefined) {
    const name = identity.name.trim();
    if (name.length === 0) invalid('visitor.name', 'must not be empty');
    if (name.length > MAX_NAME) invalid('visitor.name', `must be at most ${MAX_NAME} characters, got ${name.length}`);
    out.name = name;
  }
  if (identity.email !== undefined) {
    const email = identity.email.trim();
    if (email.length > MAX_EMAIL) invalid('visitor.email', `must be at most ${MAX_EMAIL} characters`);
    out.email = email;
  }
  return out;
}

/** With the form `required`, a conversation starts only once the visitor gave a name and an email. */
export function assertPreChatForm(form: PreChatForm, visitor: VisitorRow): void {
  if (form !== 'required') return;
  const missing = [!visitor.name && 'visitor.name', !visitor.email && 'visitor.email'].filter((x): x is string => Boolean(x));
  if (missing.length > 0) {
    throw new ApiError(
      400,
      'PRE_CHAT_FORM_REQUIRED',
      'This chat asks for your name and email before the conversation starts.',
      missing.map((path) => `${path}: is required by the pre-chat form`),
    );
  }
}
