/**
 * Mounts the widget app into a shadow root: creates the runtime, renders the launcher and the
 * panel, starts the runtime (at once for a returning visitor, else when the chat is first
 * opened) and tells it when the visitor is looking. Shared by the script-tag
 * path (`boot.ts`) and the SPA entry (`../index.ts`).
 */
import { computed, effect, signal, type Signal } from '@preact/signals';
import { render } from 'preact';
import { createRuntime } from '../../src/index.ts';
import { readColor, readFlag, writeColor, writeFlag } from '../color-cache.ts';
import type { Runtime, RuntimeOptions } from '../../src/types.ts';
import { Widget } from './components/widget.tsx';
import { createWidgetModel } from './model.ts';
import { notifyUnread } from './notify.ts';
import { applyStyles } from './theme.ts';

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
}

/** Controls of a mounted widget. */
export interface WidgetController {
  open(): void;
  close(): void;
  toggle(): void;
  /** Unmounts the UI and destroys the runtime. */
  destroy(): void;
  readonly runtime: Runtime;
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

export function mountApp({ root, runtime: runtimeOptions, color, open, titleBlink = true, sound = false }: MountAppOptions): WidgetController {
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
  const visible = signal(doc.visibilityState === 'visible');
  const looking = computed(() => model.open.value && visible.value);
  const onVisibility = () => {
    visible.value = doc.visibilityState === 'visible';
  };
  doc.addEventListener('visibilitychange', onVisibility);
  const disposers = [
    model.dispose,
    applyStyles(root, model.accent),
    // Opened or closed by the visitor in one tab of the site, opened or closed in all (a small
    // chunk, loaded after the first render: nothing to show needs it). The site's own calls
    // (`controller.open()`) stay in their tab.
    syncPanelLater(model.open, tenant, doc.defaultView ?? undefined, () => !bySite),
    // A first-time visitor becomes one (a visitor record, a socket) only by opening the chat.
    effect(() => {
      if (model.open.value) model.start();
    }),
    // Unread is cleared (and messages marked read) only while the visitor can actually see them.
    effect(() => runtime.setVisible(looking.value)),
    notifyUnread({ unread: runtime.unread, looking, titleBlink, sound, doc }),
    // The pre-chat form is asked once per browser.
    effect(() => {
      if (tenant && model.introduced.value) writeFlag(introKey);
    }),
    // Remember the tenant's colour for the loader's next first paint.
    effect(() => {
      const branded = runtime.bootstrap.value?.branding?.primaryColor;
      if (tenant && branded) writeColor(tenant, branded);
    }),
  ];

  const container = doc.createElement('div');
  container.className = 'rn';
  // Swap the loader's launcher for ours and render in the same task: no frame without one.
  root.replaceChildren(container);
  render(<Widget model={model} />, container);

  model.startIfReturning();

  return {
    runtime,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!model.open.value),
    destroy() {
      render(null, container);
      container.remove();
      for (const dispose of disposers) dispose();
      doc.removeEventListener('visibilitychange', onVisibility);
      runtime.destroy();
    },
  };
}
