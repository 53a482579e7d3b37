/**
 * The message list's windowing for long conversations (issue 9 item 8), loaded only once a
 * conversation holds more than `WINDOW_FROM` messages (message-list.tsx), so the app's first
 * chunk does not pay for it. It decides which messages render (`list-window.ts`), moves that
 * window as the visitor scrolls past its edges (reading the previous page from the server at
 * the oldest loaded message), and after each render keeps the message at the top of the view
 * where it was (`list-anchor.ts`), or the newest in view while the visitor follows the conversation.
 */
import type { ChatMessage } from '../../../src/types.ts';
import { type Anchor, findAnchor, restoreAnchor } from './list-anchor.ts';
import { type ListWindow, NEWEST, STEP, newerWindow, olderWindow, rangeOf } from './list-window.ts';

/** How close to an edge of the rendered messages (px) moves the window. */
const EDGE_PX = 120;

/** What the list needs from the conversation here. */
export interface OlderPages {
  readonly hasOlder: { readonly value: boolean };
  loadOlder(): Promise<void>;
}

export interface Windowing {
  /** `[start, end)`: the messages to render. */
  range(messages: readonly ChatMessage[]): [number, number];
  /**
   * After a render: the newest message in view when `stick` (the visitor is at the bottom) or the
   * visitor just sent one, else the anchored message back where it was.
   */
  settle(list: HTMLElement, messages: readonly ChatMessage[], stick: boolean): void;
  /** On scroll (`atBottom`: within the sticky distance of the bottom). */
  scrolled(list: HTMLElement, atBottom: boolean, older: OlderPages): void;
}

/**
 * Starts windowing a list that so far rendered every message: the window starts around the
 * message at the top of the view (or follows the newest when the visitor is at the bottom), so
 * nothing moves when it takes over. `redraw` re-renders the list (the window changed).
 */
export function createWindowing(list: HTMLElement, messages: readonly ChatMessage[], atBottom: boolean, redraw: () => void): Windowing {
  let shown = { messages, start: 0, end: messages.length };
  let anchor: Anchor | undefined = findAnchor(list, (i) => messages[i]?.key);
  const at = anchor ? messages.findIndex((m) => m.key === anchor!.key) : -1;
  const from = Math.max(0, at - STEP);
  let win: ListWindow = atBottom || at < 0 ? NEWEST : { first: from === 0 ? undefined : messages[from]!.key, up: true };

  let follow = false;
  // The newest message at the last render: a new one from the visitor is theirs just sent.
  let lastKey = messages[messages.length - 1]?.key;
  const capture = () => (anchor = findAnchor(list, (i) => shown.messages[shown.start + i]?.key));
  const move = (next: ListWindow) => {
    // Scroll events at an edge repeat: re-render only for a new window.
    if (next.first === win.first && next.last === win.last && next.up === win.up) return;
    win = next;
    redraw();
  };

  return {
    range(all) {
      const [start, end] = rangeOf(all, win);
      shown = { messages: all, start, end };
      return [start, end];
    },
    settle(el, all, stick) {
      // The visitor's own new message shows at once, wherever they were reading: the window
      // moves to the newest first (scroll events on the way must not cancel that).
      const last = all[all.length - 1];
      follow ||= last?.key !== lastKey && last?.senderType === 'visitor';
      lastKey = last?.key;
      if (follow && shown.end < all.length) return move(NEWEST);
      if ((stick || follow) && shown.end === all.length) {
        el.scrollTop = el.scrollHeight;
        follow = false;
      } else if (anchor) restoreAnchor(el, anchor, (key) => all.findIndex((m) => m.key === key) - shown.start);
      capture();
    },
    scrolled(el, atBottom, older) {
      capture();
      const { messages: all, start, end } = shown;
      const below = el.scrollHeight - el.scrollTop - el.clientHeight;
      if (el.scrollTop < EDGE_PX) {
        // Older messages: those already loaded first, then the previous page from the server.
        if (start > 0 || older.hasOlder.value) move(olderWindow(all, start, end));
        if (start === 0) older.loadOlder().catch(() => undefined);
      } else if (below < EDGE_PX && end < all.length) {
        move(newerWindow(all, end));
      } else if (atBottom && end === all.length) {
        move(NEWEST);
      }
    },
  };
}
