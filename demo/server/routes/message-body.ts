/** Rules for a message body the contract schema cannot state: trimmed, not empty, not too long. */
import { invalid } from '../http/validate.ts';

export const MAX_MESSAGE_LENGTH = 5000;

/** Returns the trimmed body or throws `VALIDATION_FAILED`. */
export function checkMessageBody(body: string): string {
  const text = body.trim();
  if (text.length === 0) invalid('body', 'must not be empty');
  if (text.length > MAX_MESSAGE_LENGTH) invalid('body', `must be at most ${MAX_MESSAGE_LENGTH} characters, got ${text.length}`);
  return text;
}
