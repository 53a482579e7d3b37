/**
 * Why something failed, in the widget's language: the table's words for the error's code; the
 * server's own (English) message only for a code the tables do not know yet, else "try again".
 */
import type { RuntimeError } from '../../../src/index.ts';
import type { ViewText } from './en-views.ts';

export function errorWords(v: ViewText, error: Partial<Pick<RuntimeError, 'code' | 'message'>> | null | undefined): string {
  return (error?.code && v.errors[error.code]) || error?.message || v.tryAgain;
}
