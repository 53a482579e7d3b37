/**
 * The whole widget as the visitor sees it: the launcher, and the panel while it is open, in the
 * visitor's language (`../i18n/`), laid out right to left for Arabic (`dir` on the root, so the
 * CSS's logical properties mirror it). The panel waits for the language's words (the launcher
 * does not), so it never shows in English first.
 *
 * Focus: what had it when the panel opened (the launcher, or a button of the page that called
 * `open`) gets it back when the panel closes with focus inside, after the panel is gone; if that
 * is no longer there, the launcher if it shows, else the widget's host element.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { I18nContext } from '../i18n/context.ts';
import { useLocale } from '../i18n/use-locale.ts';
import type { WidgetModel } from '../model.ts';
import { Launcher } from './launcher.tsx';
import { Panel } from './panel.tsx';

export interface WidgetProps {
  model: WidgetModel;
  /**
   * The site owner's language (`data-locale`, `boot({ locale })`): a BCP 47 tag. Without it (or
   * for a language the widget has no words for) the tenant's, then the browser's, then English.
   */
  locale?: string;
}

/** The focused element, looking into open shadow roots (the page's own widgets, ours). */
function deepActive(doc: Document): Element | null {
  let el = doc.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

export function Widget({ model, locale }: WidgetProps) {
  const launcher = useRef<HTMLButtonElement>(null);
  const root = useRef<HTMLDivElement>(null);
  // What had focus when the panel opened, and whether focus was in the panel when it closed.
  const opener = useRef<Element | null>(null);
  const refocus = useRef(false);
  const { i18n, ready } = useLocale(model, locale);
  const open = model.open.value && ready;
  const close = () => {
    model.open.value = false;
  };
  // Read while rendering the open panel for the first time: focus has not moved into it yet.
  if (open && !opener.current && typeof document !== 'undefined') opener.current = deepActive(document);

  useLayoutEffect(() => {
    if (open) return;
    const back = opener.current;
    opener.current = null;
    if (!refocus.current) return;
    refocus.current = false;
    const el = root.current;
    if (!el) return;
    // Not the page's body (nothing had focus), not something that left the page.
    const doc = el.ownerDocument;
    if (back && back !== doc.body && back !== doc.documentElement && back.isConnected && (back as HTMLElement).focus) {
      (back as HTMLElement).focus();
      if (deepActive(doc) === back) return;
    }
    // A launcher hidden by the site (`hideLauncher`) or the page's styles has no box.
    const button = launcher.current;
    if (button && button.getClientRects().length > 0) return button.focus();
    const host = (el.getRootNode() as ShadowRoot).host as HTMLElement | undefined;
    if (!host) return;
    if (!host.hasAttribute('tabindex')) host.tabIndex = -1;
    host.focus();
  }, [open]);

  return (
    <I18nContext.Provider value={i18n}>
      <div ref={root} class="root" dir={i18n.dir} lang={i18n.lang} data-testid="widget-root">
        {open && <Panel model={model} onClose={close} returnFocus={() => (refocus.current = true)} />}
        <Launcher model={model} buttonRef={launcher} onToggle={() => (model.open.value = !model.open.value)} />
      </div>
    </I18nContext.Provider>
  );
}
