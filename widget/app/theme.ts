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

/**
 * Text drawn on the accent when white does not read on it: black, since for mid-tone colours
 * (`#e91e63`, `#777`) neither white nor a softer near-black reaches 4.5:1, while one of white and
 * black always does.
 */
export const DARK_TEXT = '#000';

const rgb = (hex: string): number[] => {
  const h = hex.length === 4 ? hex.replace(/\w/g, '$&$&') : hex;
  return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
};

/** WCAG relative luminance of a `#rgb`/`#rrggbb` colour. */
export const luminance = (hex: string): number => {
  const [r, g, b] = rgb(hex).map((c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};

/** WCAG contrast ratio of two colours (1 to 21). */
export const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};

/** The text colour for `accent` backgrounds: white when it reads at 4.5:1, else black. */
export const onColor = (accent: string): string => (contrast(accent, '#fff') >= 4.5 ? '#fff' : DARK_TEXT);

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
