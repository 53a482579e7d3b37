/**
 * The launcher's stylesheet, drawn by the loader before the app exists, and the placement check
 * the app's command API shares (`app/commands/placement.ts` moves the app's own launcher to the
 * same place, so nothing moves when it takes over). Values come from `data-*` attributes: each is checked to be a plain
 * number (or `left`) before it goes into a rule, so no attribute can break out of it.
 */

import { onColor } from './ink.ts';

/** Placement as written on the script tag or given to `boot` (strings or numbers). */
export interface PlacementInput {
  position?: unknown;
  offsetX?: unknown;
  offsetY?: unknown;
  zIndex?: unknown;
}

/**
 * A whole number of at most 10 digits as written, else `fallback`. Whatever `value` is, the
 * result is a number (`+` never gives anything else), so nothing but a number reaches a rule.
 */
const int = (value: unknown, fallback: number): number => (/^\d{1,10}$/.test(value as string) ? +(value as string) : fallback);

/** The side, the offsets and the z-index, validated. */
export const placement = (p: PlacementInput): [side: string, x: number, y: number, z: number] => [
  p.position === 'left' ? 'left' : 'right',
  int(p.offsetX, 20),
  int(p.offsetY, 20),
  int(p.zIndex, 2147483000),
];

/**
 * The icon is a clipped pseudo-element rather than an `<svg>` (the same path as the app's
 * launcher icon, scaled from its 24-unit box to 28 px): no elements to build, which pays for
 * the ink rule within the loader's 1.5 KB. The icon is drawn in the ink the app's launcher uses on this colour (`ink.ts`: white, or black
 * where white would not read), so a light tenant colour (`#ffd400`) has a visible icon before the
 * app arrives and nothing changes colour when it takes over. In forced colours (Windows High
 * Contrast) the browser replaces the icon's background with `Canvas`, the button's own colour,
 * and the icon would vanish: there it is `ButtonText`, a system colour, which is kept as it is.
 * @param color a validated `#rgb`/`#rrggbb` colour for the button
 * @param p where the launcher goes
 */
export const launcherCss = (color: string, p: PlacementInput): string => {
  const [side, x, y, z] = placement(p);
  return (
    `button{position:fixed;${side}:${x}px;bottom:${y}px;z-index:${z};width:56px;height:56px;padding:0;border:0;border-radius:50%;background:${color};color:${onColor(color)};cursor:pointer;display:grid;box-shadow:0 4px 14px #0004}` +
    `button:focus-visible{outline:3px solid ${color};outline-offset:3px}` +
    `button:before{content:"";margin:auto;padding:12px;scale:1.17;background:currentColor;clip-path:path("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z")}` +
    `[aria-busy]{cursor:progress}[aria-busy]:before{animation:p 1s infinite alternate}` +
    `[data-failed]{background:#8a8f96}` +
    `@keyframes p{to{opacity:.4}}` +
    `@media(forced-colors){button:before{background:ButtonText}}`
  );
};
