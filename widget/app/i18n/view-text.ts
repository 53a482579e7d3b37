/** The words of a lazily loaded view in the widget's language (English unless another table loaded). */
import { useContext } from 'preact/hooks';
import { I18nContext } from './context.ts';
import { enViews, type ViewText } from './en-views.ts';

export function useViewText(): { lang: string; v: ViewText } {
  const { lang, views } = useContext(I18nContext);
  return { lang, v: views ?? enViews };
}
