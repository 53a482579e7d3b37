/**
 * The call link's token, from the address bar's fragment (`/call/#<token>`, extensions.md §15).
 * It is taken out of the address bar at once (`history.replaceState`), so it stays out of the
 * history, bookmarks and anything the visitor shares from the tab; it is kept in this tab's
 * `sessionStorage` only, so a reload still works.
 */
const KEY = 'ringnity-call-link';

export function takeLinkToken(win: Window): string | null {
  const fragment = decodeURIComponent(win.location.hash.slice(1)).trim();
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
