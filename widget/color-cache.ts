/**
 * The tenant's launcher colour remembered in the host page's `localStorage`, so a returning
 * visitor's launcher is drawn by the loader in the right colour instead of changing colour when
 * the app has read the tenant's branding. Storage may be blocked (privacy settings, sandboxed
 * frames): every access is guarded and a failure only means the neutral colour is drawn first.
 */
const key = (tenant: string) => `ringnity:color:${tenant}`;

/** The launcher and accent colour when neither the site owner nor the tenant chose one (a neutral dark grey). */
export const DEFAULT_COLOR = '#3b4a5a';

/** A `#rgb`/`#rrggbb` colour, the only form put into a stylesheet. */
export const isHexColor = (value: string | null | undefined): value is string => !!value && /^#[\da-f]{3}([\da-f]{3})?$/i.test(value);

export function readColor(tenant: string): string | undefined {
  try {
    const color = localStorage.getItem(key(tenant));
    return isHexColor(color) ? color : undefined;
  } catch {
    return undefined;
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
