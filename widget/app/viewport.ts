/**
 * The visual viewport's height and top as CSS variables (`--rn-vh`, `--rn-vt`) on the widget's
 * root, for the full-screen panel of narrow screens (`styles.css.ts`). Phones resize only the
 * visual viewport when the on-screen keyboard opens (the layout viewport, which `position:fixed`
 * and `100%` follow, keeps its height), so without this the composer would sit under the keyboard.
 * A constructable sheet (CSP-safe), rewritten on the viewport's own `resize`/`scroll` events.
 */

/** Keeps the variables in a sheet adopted by `root` while the window has a visual viewport; returns the disposer. */
export function followViewport(root: ShadowRoot): () => void {
  const viewport = root.ownerDocument.defaultView?.visualViewport;
  if (!viewport) return () => undefined;
  const sheet = new CSSStyleSheet();
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const update = () => sheet.replaceSync(`.rn{--rn-vh:${viewport.height}px;--rn-vt:${viewport.offsetTop}px}`);
  const stop = new AbortController();
  update();
  viewport.addEventListener('resize', update, stop);
  viewport.addEventListener('scroll', update, stop);
  return () => stop.abort();
}
