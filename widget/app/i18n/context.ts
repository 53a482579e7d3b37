/**
 * The language the widget speaks, handed down the component tree (one per mounted widget, no
 * module state). Without a provider, components speak English: unit tests render them bare.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type CoreText } from './en.ts';
import type { CallText } from './en-call.ts';
import type { ViewText } from './en-views.ts';

export interface I18n {
  /** BCP 47 tag of the words shown (`en`, `id`, `es`, `ar`), also for `Intl` formatting. */
  lang: string;
  dir: 'ltr' | 'rtl';
  /** The first screen's words. */
  s: CoreText;
  /** The lazily loaded views' words; absent in English (`en-views.ts` comes with those chunks). */
  views?: ViewText;
  /** The call words; absent in English (`en-call.ts` comes with the call chunk). */
  call?: CallText;
}

export const I18nContext = createContext<I18n>({ lang: 'en', dir: 'ltr', s: en });

/** The widget's language and its first-screen words. */
export const useText = (): I18n => useContext(I18nContext);
