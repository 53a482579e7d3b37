/**
 * The launcher's stylesheet, drawn by the loader before the app exists, and the placement check
 * the app's command API shares (`app/commands/placement.ts` moves the app's own launcher to the
 * same place, so nothing moves when it takes over). Values come from `data-*` attributes: each is checked to be a plain
 * number (or `left`) before it goes into a rule, so no attribute can break out of it.
 */

/** Placement as written on the script tag or given to `boot` (strings or numbers). */
export interface PlacementInput {
  position?: unknown;
  offsetX?: unknown;
  offsetY?: unknown;
  zIndex?: unknown;
}

/** A whole number of at most 10 digits as written, else `fallback`. */
const int = (value: unknown, fallback: number): number => (/^\d{1,10}$/.test(String(value)) ? +String(value) : fallback);

/** The side, the offsets and the z-index, validated. */
export const placement = (p: PlacementInput): [side: string, x: number, y: number, z: number] => [
  p.position === 'left' ? 'left' : 'right',
  int(p.offsetX, 20),
  int(p.offsetY, 20),
  int(p.zIndex, 2147483000),
];

/**
 * @param color a validated CSS colour for the button
 * @param p where the launcher goes
 */
export const launcherCss = (color: string, p: PlacementInput): string => {
  const [side, x, y, z] = placement(p);
  return (
    `button{position:fixed;${side}:${x}px;bottom:${y}px;z-index:${z};width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;background:${color};color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}` +
    `button:focus-visible{outline:3px solid ${color};outline-offset:3px}` +
    `svg{width:28px;height:28px;fill:currentColor}` +
    `[aria-busy]{cursor:progress}[aria-busy] svg{animation:p 1s infinite alternate}` +
    `[data-failed]{background:#8a8f96}` +
    `@keyframes p{to{opacity:.4}}`
  );
};
