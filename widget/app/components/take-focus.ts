import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

/**
 * A composer put in place of one that had focus (the AI mode's arriving with the bootstrap, the
 * person's after a handoff) takes it: the focused one went with the swap and focus fell to
 * `<body>`, so a keyboard user types on. Focus elsewhere on the host page is left alone.
 */
export function useTakeFocus(form: RefObject<HTMLFormElement>) {
  useLayoutEffect(() => {
    const doc = form.current?.ownerDocument;
    if (doc && (!doc.activeElement || doc.activeElement === doc.body)) form.current!.querySelector('textarea')?.focus();
  }, []);
}
