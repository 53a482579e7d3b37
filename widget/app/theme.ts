/**
 * Styles for the widget's shadow root: the app stylesheet, a theme sheet derived from the accent
 * colour and the colour scheme, and the visual viewport sheet (`viewport.ts`), all constructable
 * (CSP-safe: no `<style>`, no `style` attributes).
 *
 * The tenant picks any colour, so the colours drawn with it are computed for contrast (WCAG 2.1
 * AA): the text on the accent (`--rn-on`) is white, or black where white does not read at 4.5:1, and
 * the accent used as text or focus ring on the panel's background (`--rn-ink`) is darkened (light
 * scheme) or lightened (dark scheme) until it reads at 4.5:1 there.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { appCss, DARK, DARK_BG } from './styles.css.ts';
import { followViewport } from './viewport.ts';
import { contrast, luminance, onColor, rgb } from '../ink.ts';

// The WCAG arithmetic lives in widget/ink.ts, shared with the loader so both draw the same ink.
export { contrast, DARK_TEXT, luminance, onColor } from '../ink.ts';

/**
 * `accent` mixed towards black (or white, for a dark `bg`) in 10 % steps until it reads on `bg`
 * at 4.5:1: the tenant's colour where it is text or a focus ring on the panel.
 */
export const inkOn = (accent: string, bg: string): string => {
  const to = luminance(bg) < 0.2 ? 255 : 0;
  let ink = accent;
  for (let t = 0.1; contrast(ink, bg) < 4.5 && t < 1.05; t += 0.1) {
    ink = `#${rgb(accent)
      .map((c) => Math.round(c + (to - c) * t).toString(16).padStart(2, '0'))
      .join('')}`;
  }
  return ink;
};

/**
 * The theme sheet's text for an accent (a validated hex colour) and the tenant's colour scheme
 * setting (`branding.theme`): `light` or `dark`, anything else (none) meaning the visitor's own
 * (`prefers-color-scheme`).
 */
export const themeCss = (accent: string, scheme?: unknown): string => {
  const dark = `.rn{${DARK}--rn-ink:${inkOn(accent, DARK_BG)}}`;
  return (
    `.rn{--rn-accent:${accent};--rn-on:${onColor(accent)};--rn-ink:${inkOn(accent, '#fff')}}` +
    (scheme === 'dark' ? dark : scheme === 'light' ? '' : `@media (prefers-color-scheme:dark){${dark}}`)
  );
};

/**
 * Adopts the stylesheets into `root` and keeps the theme up to date; returns the disposer.
 * @param scheme the tenant's colour scheme setting (`light`, `dark`; anything else: the visitor's own)
 */
export function applyStyles(root: ShadowRoot, accent: ReadonlySignal<string>, scheme?: ReadonlySignal<unknown>): () => void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(appCss);
  const theme = new CSSStyleSheet();
  root.adoptedStyleSheets = [sheet, theme];
  const stopViewport = followViewport(root);
  // `accent` is validated as a hex colour by the model, so it cannot break out of the rule.
  const stop = effect(() => theme.replaceSync(themeCss(accent.value, scheme?.value)));
  return () => (stop(), stopViewport());
}
