/**
 * The update prompt's words in the widget's languages (widget/app/i18n/locale.ts), chosen like
 * the widget chooses: the tenant's language when the page knows it, else the browser's.
 */
import { pickLang, dirOf, type Lang } from '../../widget/app/i18n/locale.ts';

export interface UpdateText {
  /** The prompt's line. */
  available: string;
  /** Its button. */
  update: string;
}

const TEXT: Record<Lang, UpdateText> = {
  en: { available: 'A new version of the chat is available.', update: 'Update' },
  id: { available: 'Versi baru obrolan tersedia.', update: 'Perbarui' },
  es: { available: 'Hay una nueva versión del chat.', update: 'Actualizar' },
  ar: { available: 'يتوفر إصدار جديد من المحادثة.', update: 'تحديث' },
};

/** The words and writing direction for the first of `candidates` we have words for (English otherwise). */
export function updateText(candidates: readonly (string | null | undefined)[]): UpdateText & { lang: Lang; dir: 'ltr' | 'rtl' } {
  const lang = pickLang(candidates);
  return { ...TEXT[lang], lang, dir: dirOf(lang) };
}
