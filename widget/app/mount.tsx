/**
 * Mounts the widget app into a shadow root: creates the runtime, renders the launcher and the
 * panel, starts the runtime (at once for a returning visitor, else when the chat is first
 * opened) and tells it when the visitor is looking. Shared by the script-tag
 * path (`boot.ts`) and the SPA entry (`../index.ts`).
 */
import { computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { render, type ComponentType } from 'preact';
import { createRuntime } from '../../src/index.ts';
import { readColor, readFlag, writeColor, writeFlag } from '../color-cache.ts';
import type { Runtime, RuntimeOptions } from '../../src/types.ts';
import { Widget } from './components/widget.tsx';
import { loadText, pickLang } from './i18n/locale.ts';
import { createWidgetModel, type WidgetModel } from './model.ts';
import { notifyUnread } from './notify.ts';
import { applyStyles } from './theme.ts';

/** What the widget shows instead of the chat until the visitor consented (`commands/consent-gate.tsx`). */
export interface ConsentGateProps {
  model: WidgetModel;
  /** The visitor accepted. */
  onAccept(): void;
  /** The site's language choice (`data-locale`, `boot({ locale })`), as the widget takes it. */
  locale?: string | undefined;
}

export interface MountAppOptions {
  /** The shadow root to render into; whatever it holds (the loader's launcher) is replaced. */
  root: ShadowRoot;
  runtime: RuntimeOptions;
  /** Launcher/accent colour chosen by the site owner; overrides the tenant's branding. */
  color?: string;
  /** Open the panel at once. */
  open?: boolean;
  /** Blink the page title for new messages while the visitor is not looking. @default true */
  titleBlink?: boolean;
  /** Play a short sound for new messages while the visitor is not looking. @default false */
  sound?: boolean;
  /** Interface language asked for by the site (`data-locale`, `boot({ locale })`), if any. */
  locale?: string;
  /**
   * Wait for consent, showing this instead of the chat: until `controller.consent()`, nothing is
   * written to storage and the runtime does not start (no visitor, no socket).
   */
  gate?: ComponentType<ConsentGateProps>;
  /** Called when consent is given, before anything may be stored (e.g. to release the storage). */
  onConsent?: () => void;
}

/** Controls of a mounted widget. */
export interface WidgetController {
  open(): void;
  close(): void;
  toggle(): void;
  /** Unmounts the UI and destroys the runtime. */
  destroy(): void;
  readonly runtime: Runtime;
  /** The panel is open. */
  readonly isOpen: ReadonlySignal<boolean>;
  /** Storage and connections are allowed (always true without a `gate`). */
  readonly consented: ReadonlySignal<boolean>;
  /** Consent given (by the site or the visitor): the chat shows and may start. */
  consent(): void;
}

function syncPanelLater(open: Signal<boolean>, tenant: string | undefined, win: Window | undefined, own: () => boolean): () => void {
  let stop: (() => void) | undefined;
  let stopped = false;
  if (tenant && win && 'BroadcastChannel' in win) {
    import('./panel-sync.ts').then(({ syncPanel }) => !stopped && (stop = syncPanel(open, tenant, win, own)), () => undefined);
  }
  return () => {
    stopped = true;
    stop?.();
  };
}

export function mountApp(options: MountAppOptions): WidgetController {
  const { root, runtime: runtimeOptions, color, open, titleBlink = true, sound = false } = options;
  const runtime = createRuntime(runtimeOptions);
  const tenant = runtimeOptions.slug ?? runtimeOptions.publicKey;
  const introKey = `ringnity:intro:${tenant}`;
  const doc = root.ownerDocument;
  const model = createWidgetModel(runtime, {
    // Absolute, like the signed file links it is compared with (`mountWidget` may be given `/api`).
    apiBase: new URL(runtimeOptions.baseUrl, doc.baseURI).href,
    color,
    open,
    fallbackColor: tenant ? readColor(tenant) : undefined,
    introduced: tenant ? readFlag(introKey) : false,
    win: doc.defaultView ?? undefined,
  });
  // True while the controller (the site's code, not the visitor) opens or closes the panel.
  let bySite = false;
  const setOpen = (next: boolean) => {
    bySite = true;
    model.open.value = next;
    bySite = false;
  };
  const Gate = options.gate;
  const consented = signal(!Gate);
  const visible = signal(doc.visibilityState === 'visible');
  const looking = computed(() => model.open.value && visible.value);
  const onVisibility = () => {
    visible.value = doc.visibilityState === 'visible';
  };
  doc.addEventListener('visibilitychange', onVisibility);
  // The unread title in the widget's language, chosen as the widget chooses it (`useLocale`); the
  // table is fetched once something is unread (another language's is loaded by then already).
  let words: ((count: number) => string) | undefined;
  const branded = () => runtime.bootstrap.value?.branding;
  const disposers = [
    model.dispose,
    // Opened or closed by the visitor in one tab of the site, opened or closed in all (a small
    // chunk, loaded after the first render: nothing to show needs it). The site's own calls
    // (`controller.open()`) stay in their tab.
    syncPanelLater(model.open, tenant, doc.defaultView ?? undefined, () => !bySite),
    // A first-time visitor becomes one (a visitor record, a socket) only by opening the chat,
    // and with a gate not before consent. Reading whether this is a returning visitor opens
    // IndexedDB (creating it): after consent too.
    effect(() => {
      if (consented.value) model.open.value ? model.start() : model.startIfReturning();
    }),
    // Unread is cleared (and messages marked read) only while the visitor can actually see them.
    effect(() => runtime.setVisible(looking.value)),
    effect(() => {
      if (!runtime.unread.value) return;
      const tag = branded()?.locale;
      const lang = pickLang([options.locale, typeof tag == 'string' ? tag : undefined, ...(navigator.languages ?? [])]);
      (lang == 'en' ? import('./i18n/en-views.ts').then((m) => m.enViews) : loadText(lang)).then((t) => (words = t.newMessages), () => undefined);
    }),
    notifyUnread({ unread: runtime.unread, looking, titleBlink, sound, doc, title: (n) => words?.(n) ?? `(${n})` }),
    // The pre-chat form is asked once per browser; the colour is kept for the loader's next first paint.
    effect(() => {
      if (!tenant || !consented.value) return;
      if (model.introduced.value) writeFlag(introKey);
      const color = branded()?.primaryColor;
      if (color) writeColor(tenant, color);
    }),
  ];

  const container = doc.createElement('div');
  container.className = 'rn';
  const consent = () => {
    options.onConsent?.();
    consented.value = true;
  };
  const Root = () => (consented.value || !Gate ? <Widget model={model} locale={options.locale} /> : <Gate model={model} onAccept={consent} locale={options.locale} />);
  // Sheets already there are the loader's (replaced); any added before the paint (the command
  // API's placement) are kept. A copy: the property is a live array.
  const sheets = [...root.adoptedStyleSheets];
  const paint = () => {
    const added = root.adoptedStyleSheets.filter((s) => !sheets.includes(s));
    disposers.push(applyStyles(root, model.accent, computed(() => branded()?.theme)));
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...added];
    // Swap the loader's launcher for ours and render in the same task: no frame without one.
    root.replaceChildren(container);
    render(<Root />, container);
  };
  // Styles and the first render in a task of their own, after the runtime's (issue 9: no long
  // task on the host); the loader's launcher stays until then and what the controller is told
  // meanwhile only sets the model. A click that is waiting (`open`) gets the panel in one go.
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (open) paint();
  else timer = setTimeout(paint);

  return {
    runtime,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!model.open.value),
    isOpen: model.open,
    consented,
    consent,
    destroy() {
      clearTimeout(timer);
      render(null, container);
      container.remove();
      for (const dispose of disposers) dispose();
      doc.removeEventListener('visibilitychange', onVisibility);
      runtime.destroy();
    },
  };
}
