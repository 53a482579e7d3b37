/**
 * Makes the mounted widget the whole page: a sheet adopted into its shadow root after the app's
 * own (so it wins) stretches the panel over the viewport and hides the launcher while the panel
 * shows. Constructable, like the app's sheets: the page's strict CSP allows no inline style.
 *
 * Until `mountWidget` has a page layout of its own this reaches into the widget's class names
 * (`.panel`, `.launcher`); the hosted-page e2e test fails if they change.
 */
const PAGE_CSS = `
.panel{inset:var(--rn-vt,0) 0 auto;width:100%;max-width:none;height:var(--rn-vh,100%);max-height:none;border-radius:0;box-shadow:none;animation:none}
.panel~.launcher{display:none}
`;

/**
 * Adopts the page sheet into the widget's shadow root and calls `onClose` each time the panel
 * goes away (the visitor closed it). Returns the disposer.
 */
export function fullPage(root: ShadowRoot, onClose: () => void): () => void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PAGE_CSS);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  let open = !!root.querySelector('.panel');
  // The panel is rendered while the chat is open and removed when it closes: its presence is the
  // open state (a close button, Escape or any future way of closing all end here).
  const observer = new MutationObserver(() => {
    const now = !!root.querySelector('.panel');
    if (open && !now) onClose();
    open = now;
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
