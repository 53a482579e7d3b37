/**
 * Resolves and loads the widget's language (see `locale.ts`) and re-resolves when the tenant's
 * locale arrives with the bootstrap. `ready` stays false until the first language the widget
 * speaks is there, so the panel does not show English laid out left to right and then flip (the
 * launcher shows meanwhile); a later change of language swaps the words in place. A chunk that
 * fails to load leaves English (the next change of language tries again).
 */
import { useEffect, useState } from 'preact/hooks';
import type { WidgetModel } from '../model.ts';
import type { I18n } from './context.ts';
import { en } from './en.ts';
import { dirOf, loadText, pickLang, type Lang } from './locale.ts';
import type { Text } from './text.ts';

const ENGLISH: I18n = { lang: 'en', dir: 'ltr', s: en };
// Loaded tables (immutable), so a widget mounted again speaks at once.
const loaded = new Map<Lang, Text>();

const speak = (lang: Lang, text: Text): I18n => ({ lang, dir: dirOf(lang), s: text, views: text, call: text.call });

export function useLocale(model: WidgetModel, locale: string | undefined): { i18n: I18n; ready: boolean } {
  // Not part of the contract's `Branding` yet: read when a server sends it.
  const tenant = model.runtime.bootstrap.value?.branding?.locale;
  const lang = pickLang([locale, typeof tenant === 'string' ? tenant : undefined, ...(globalThis.navigator?.languages ?? [])]);
  const known = (l: Lang) => (l === 'en' ? ENGLISH : loaded.has(l) ? speak(l, loaded.get(l)!) : null);
  const [i18n, setI18n] = useState(() => known(lang));
  useEffect(() => {
    let live = true;
    const now = known(lang);
    if (now) setI18n(now);
    else if (lang !== 'en')
      loadText(lang).then(
        (text) => {
          loaded.set(lang, text);
          if (live) setI18n(speak(lang, text));
        },
        // English rather than nothing.
        () => live && setI18n((shown) => shown ?? ENGLISH),
      );
    return () => void (live = false);
  }, [lang]);
  return { i18n: i18n ?? ENGLISH, ready: i18n !== null };
}
