/**
 * Which language the widget speaks: the first of the site owner's choice (`data-locale`,
 * `boot({ locale })`), the tenant's, and the browser's (`navigator.languages`) that the widget
 * has words for, else English. Tags match on their language (`es-MX` → `es`; `in`, the old
 * code for Indonesian, → `id`). Languages other than English load as a chunk each.
 */
import type { Text } from './text.ts';

/** Languages with a full table. */
export const LANGS = ['en', 'id', 'es', 'ar'] as const;
export type Lang = (typeof LANGS)[number];

/** The first candidate the widget speaks; `en` when none. */
export function pickLang(candidates: readonly (string | null | undefined)[]): Lang {
  for (const tag of candidates) {
    const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
    const lang = base === 'in' ? 'id' : base;
    if ((LANGS as readonly string[]).includes(lang ?? '')) return lang as Lang;
  }
  return 'en';
}

/** Right-to-left scripts among the supported languages. */
export const dirOf = (lang: Lang): 'ltr' | 'rtl' => (lang === 'ar' ? 'rtl' : 'ltr');

/** Loads a language's table (a chunk each, fetched only when that language is chosen). */
export function loadText(lang: Exclude<Lang, 'en'>): Promise<Text> {
  const load = { id: () => import('./id.ts'), es: () => import('./es.ts'), ar: () => import('./ar.ts') }[lang];
  return load().then((m) => m.text);
}
