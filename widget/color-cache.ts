/**
 * The tenant's launcher colour remembered in the host page's `localStorage`, so a returning
 * visitor's launcher is drawn by the loader in the right colour instead of changing colour when
 * the app has read the tenant's branding. Storage may be blocked (privacy settings, sandboxed
 * frames): every access is guarded and a failure only means the neutral colour is drawn first.
 */
const key = (tenant: string) => `ringnity:color:${tenant}`;

/** The launcher and accent colour when neither the site owner nor the tenant chose one (a neutral dark grey). */
export const DEFAULT_COLOR = '#3b4a5a';

/**
 * A `#rgb`/`#rrggbb` colour, the only form put into a stylesheet. (`test` reads `null` and
 * `undefined` as the strings "null" and "undefined": no match, so no guard for them.)
 */
export const isHexColor = (value: string | null | undefined): value is string => /^#[\da-f]{3}([\da-f]{3})?$/i.test(value as string);

/**
 * The remembered colour as stored, unchecked: storage is the host page's to write, so every
 * caller passes it through {@link isHexColor} with its other candidates (`find(isHexColor)`).
 */
export function readColor(tenant: string): string | null | undefined {
  try {
    return localStorage.getItem(key(tenant));
  } catch {
    // Storage blocked: nothing remembered.
  }
}

export function writeColor(tenant: string, color: string): void {
  try {
    if (localStorage.getItem(key(tenant)) !== color) localStorage.setItem(key(tenant), color);
  } catch {
    // Storage blocked: nothing to remember.
  }
}

/** A remembered yes (the pre-chat form was answered); same guarded storage as the colour. */
export function readFlag(name: string): boolean {
  try {
    return localStorage.getItem(name) === '1';
  } catch {
    return false;
  }
}

export function writeFlag(name: string): void {
  try {
    localStorage.setItem(name, '1');
  } catch {
    // Storage blocked: the form is asked again next visit.
  }
}
