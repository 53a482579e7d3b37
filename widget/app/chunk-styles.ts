/**
 * Styles of a lazily loaded chunk, adopted into the widget's shadow root when the chunk first
 * renders, so rarely used parts do not weigh on the always-loaded stylesheet. Constructable
 * sheets like the main one (CSP-safe); each sheet once per root.
 */
import { useLayoutEffect } from 'preact/hooks';

const adopted = new WeakMap<Node, Set<string>>();

/** Adopts `css` into the shadow root holding `ref`'s element before the first paint. */
export function useChunkStyles(ref: { readonly current: Element | null }, css: string): void {
  useLayoutEffect(() => {
    const root = ref.current?.getRootNode() as ShadowRoot | Document | undefined;
    if (!root || !('adoptedStyleSheets' in root)) return;
    let seen = adopted.get(root);
    if (!seen) adopted.set(root, (seen = new Set()));
    if (seen.has(css)) return;
    seen.add(css);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }, []);
}

/**
 * The main action button of the lazily loaded forms and blocks (`class="primary"`), adopted by each
 * that has one. Its focus ring is the app's (`.rn :focus-visible`), its text colour the one chosen
 * for contrast with the accent (`--rn-on`, `theme.ts`).
 */
export const PRIMARY_CSS = `
.primary{padding:9px 16px;border:0;border-radius:10px;background:var(--rn-accent);color:var(--rn-on);font-weight:600;cursor:pointer}
.primary:disabled{opacity:.45;cursor:default}
`;
