/**
 * The call link's token, from the address bar's fragment (`/call/#<token>`, extensions.md §15).
 * It is taken out of the address bar at once (`history.replaceState`), so it stays out of the
 * history, bookmarks and anything the visitor shares from the tab; it is kept in this tab's
 * `sessionStorage` only, so a reload still works, until the link is refused or its call ended
 * ({@link forgetLinkToken}).
 */
const KEY = 'ringnity-call-link';

/** The fragment, decoded; a malformed `%` is left as it is (the server then says the link is not valid). */
function fragmentOf(win: Window): string {
  const raw = win.location.hash.slice(1);
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    return raw.trim();
  }
}

/** The token of the link this tab opened: the address bar's, else the one kept for a reload. */
export function takeLinkToken(win: Window): string | null {
  const fragment = fragmentOf(win);
  if (fragment) {
    win.history.replaceState(null, '', win.location.pathname + win.location.search);
    try {
      win.sessionStorage.setItem(KEY, fragment);
    } catch {
      // Storage off (private mode): a reload will ask for the link again.
    }
    return fragment;
  }
  try {
    return win.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The link was refused or its call is over: a reload must not open it again. */
export function forgetLinkToken(win: Window): void {
  try {
    win.sessionStorage.removeItem(KEY);
  } catch {
    // Storage off: nothing was kept.
  }
}
