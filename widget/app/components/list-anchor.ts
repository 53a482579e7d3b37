/**
 * Scroll anchoring for the message list: the message at the top of the view and how far below
 * the list's top edge it sits, so after messages are added or dropped above it (an older page,
 * the window moving) the list scrolls back to show it exactly where it was. Browsers without
 * native scroll anchoring (Safari) would otherwise jump, and the window drops messages on purpose.
 */

export interface Anchor {
  /** The message's key. */
  key: string;
  /** Its top edge, in px below the list's top edge (negative: partly scrolled out). */
  offset: number;
}

/** The rendered messages, oldest first (`MessageBubble` roots; index i is `messages[start + i]`). */
export const bubbles = (list: HTMLElement): NodeListOf<HTMLElement> => list.querySelectorAll<HTMLElement>(':scope > .msg');

/** The first rendered message whose bottom is below the list's top edge. */
export function findAnchor(list: HTMLElement, keyAt: (i: number) => string | undefined): Anchor | undefined {
  const items = bubbles(list);
  const top = list.getBoundingClientRect().top;
  // Binary search: positions grow with the index.
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.getBoundingClientRect().bottom > top) hi = mid;
    else lo = mid + 1;
  }
  const item = items[lo];
  const key = keyAt(lo);
  return item && key !== undefined ? { key, offset: item.getBoundingClientRect().top - top } : undefined;
}

/** Scrolls `list` so the anchored message sits where it did; false when it is not rendered. */
export function restoreAnchor(list: HTMLElement, anchor: Anchor, indexOf: (key: string) => number): boolean {
  const item = bubbles(list)[indexOf(anchor.key)];
  if (!item) return false;
  const moved = item.getBoundingClientRect().top - list.getBoundingClientRect().top - anchor.offset;
  // Sub-pixel moves are rounding, not content: writing them would fight the browser's own anchoring.
  if (Math.abs(moved) >= 1) list.scrollTop += moved;
  return true;
}
