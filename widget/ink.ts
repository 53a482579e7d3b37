/**
 * The WCAG colour arithmetic the loader and the app share: which ink (white or black) is drawn on
 * the tenant's colour. One rule in one place, so the loader's launcher (drawn before the app
 * exists) and the app's own launcher never disagree and the icon does not change colour when the
 * app takes over. Kept tiny: the loader bundles {@link onColor} into its 1.5 KB.
 */

/**
 * Text drawn on the accent when white does not read on it: black, since for mid-tone colours
 * (`#e91e63`, `#777`) neither white nor a softer near-black reaches 4.5:1, while one of white and
 * black always does.
 */
export const DARK_TEXT = '#000';

/** `[r, g, b]` (0–255) of a `#rgb`/`#rrggbb` colour. */
export const rgb = (hex: string): number[] =>
  (hex.length < 5 ? hex.replace(/\w/g, '$&$&') : hex).match(/\w\w/g)!.map((c) => parseInt(c, 16));

/**
 * WCAG relative luminance of a `#rgb`/`#rrggbb` colour. The sRGB curve's linear part is written
 * on the 0–255 value (`c ≤ 10` is `c / 255 ≤ 0.04045` for whole values; `12.92 × 255 = 3294.6`):
 * the same numbers, fewer bytes in the loader.
 */
export const luminance = (hex: string): number =>
  rgb(hex).reduce((sum, c, i) => sum + [0.2126, 0.7152, 0.0722][i]! * (c < 11 ? c / 3294.6 : ((c / 255 + 0.055) / 1.055) ** 2.4), 0);

/** WCAG contrast ratio of two colours (1 to 21). */
export const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};

/**
 * The text and icon colour for `accent` backgrounds: white when it reads at 4.5:1, else black.
 * Written as a luminance threshold (white's contrast `1.05 / (L + 0.05)` is at least 4.5 exactly
 * when `L ≤ 1.05 / 4.5 − 0.05`), so the loader needs {@link luminance} only, not {@link contrast}.
 */
export const onColor = (accent: string): string => (luminance(accent) <= 1.05 / 4.5 - 0.05 ? '#fff' : DARK_TEXT);
