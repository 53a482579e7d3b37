/** How the console names a conversation's visitor and formats times. */
import type { Conversation } from '../../../src/contract/extensions.ts';

export function visitorName(c: Conversation): string {
  if (c.visitorName) return c.visitorName;
  const tag = c.conversationNumber ?? (c.visitorId ?? c.conversationId).slice(-4);
  return `Visitor #${tag}`;
}

export function shortTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = date.toDateString() === new Date().toDateString();
  return today ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString();
}
