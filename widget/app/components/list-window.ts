/**
 * Which messages the list renders (issue 9 item 8): at most {@link MAX_RENDERED}, so a
 * conversation of 10,000 messages costs the page what one of 150 does, however far back the
 * visitor reads. The window is named by message keys, not indexes, so it stays on the same
 * messages when an older page is prepended or a new one arrives.
 */

/** Messages rendered at most. Several screens of them: scrolling never reaches an edge in one frame. */
export const MAX_RENDERED = 150;
/** Messages the window moves by when the visitor scrolls past its edge (a page of history). */
export const STEP = 50;

/**
 * The window: from `first` (undefined: the oldest loaded) to `last` (undefined: the newest).
 * `up` says which end wins when that span holds more than {@link MAX_RENDERED}: the older end
 * while the visitor reads back, else the newer end. `{ up: false }` follows the newest messages.
 */
export interface ListWindow {
  first?: string;
  last?: string;
  up: boolean;
}

/** Follows the newest messages (the list's state while the visitor is at the bottom). */
export const NEWEST: ListWindow = { up: false };

/** `[start, end)`: the indexes of `messages` to render. A key no longer held (another conversation) means the newest. */
export function rangeOf(messages: readonly { key: string }[], w: ListWindow): [number, number] {
  const n = messages.length;
  const index = (key: string) => messages.findIndex((m) => m.key === key);
  let start = w.first === undefined ? 0 : index(w.first);
  let end = w.last === undefined ? n : index(w.last) + 1;
  if (start < 0 || end <= 0 || start >= end) return [Math.max(0, n - MAX_RENDERED), n];
  if (end - start > MAX_RENDERED) {
    if (w.up) end = start + MAX_RENDERED;
    else start = end - MAX_RENDERED;
  }
  return [start, end];
}

/** The window after the visitor reached the top of `[start, end)`: one step older. */
export function olderWindow(messages: readonly { key: string }[], start: number, end: number): ListWindow {
  const from = Math.max(0, start - STEP);
  return { first: from === 0 ? undefined : messages[from]!.key, last: messages[end - 1]?.key, up: true };
}

/** The window after the visitor reached the bottom of `[start, end)`: one step newer, the newest when it gets there. */
export function newerWindow(messages: readonly { key: string }[], end: number): ListWindow {
  const to = end + STEP;
  return to >= messages.length ? NEWEST : { last: messages[to - 1]!.key, up: false };
}
