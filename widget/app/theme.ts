/**
 * Styles for the widget's shadow root: the app stylesheet and a one-rule theme sheet carrying
 * the accent colour, both constructable (CSP-safe: no `<style>`, no `style` attributes).
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { appCss } from './styles.css.ts';

/** Adopts the stylesheets into `root` and keeps the accent up to date; returns the disposer. */
export function applyStyles(root: ShadowRoot, accent: ReadonlySignal<string>): () => void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(appCss);
  const theme = new CSSStyleSheet();
  root.adoptedStyleSheets = [sheet, theme];
  // `accent` is validated as a hex colour by the model, so it cannot break out of the rule.
  return effect(() => theme.replaceSync(`.rn{--rn-accent:${accent.value}}`));
}
