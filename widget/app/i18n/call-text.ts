/** The call words in the widget's language (English unless another table loaded, and on the call page). */
import { useContext } from 'preact/hooks';
import { I18nContext } from './context.ts';
import { enCall, type CallText } from './en-call.ts';

export function useCallText(): { lang: string; c: CallText } {
  const { lang, call } = useContext(I18nContext);
  return { lang, c: call ?? enCall };
}
