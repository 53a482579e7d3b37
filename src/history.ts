/**
 * Reading what was missed: every message after a `seq`, page by page. The server numbers each
 * conversation's messages 1, 2, 3 … without gaps, so "everything after N" is exact; the visitor
 * runtime and the agent console both catch up with it after a reconnect or a gap in live frames.
 */
import type { Message, MessageHistory } from './contract/extensions.ts';
import type { HttpClient } from './http.ts';

/** Messages in a page of the visitor's timeline: the newest page, and each older one paged in. */
export const PAGE = 50;

/**
 * Reads the messages of `path` (a conversation's `…/messages` endpoint) with `seq` greater than
 * `after`, oldest first, `limit` per request, until the server says there are no more; hands
 * each page to `onPage` as it comes. Resolves with the highest `seq` read (`after` when none
 * came): every message up to it is now held, so it is the next `after`.
 *
 * Pass the highest `seq` up to which the caller holds *every* message (a watermark), not the
 * highest it holds: a send answer can hold a later one while an earlier one was missed.
 * @example
 * synced = await readAfter(http, `agent-sdk/conversations/${id}/messages`, synced, (page) => merge(page));
 */
export async function readAfter(http: HttpClient, path: string, after: number, onPage: (messages: Message[]) => void, limit = 100): Promise<number> {
  for (;;) {
    const page = await http.get<MessageHistory>(path, { searchParams: { after, limit } });
    onPage(page.messages);
    const last = page.messages[page.messages.length - 1];
    if (last) after = last.seq;
    if (!page.hasMore || !last) return after;
  }
}
