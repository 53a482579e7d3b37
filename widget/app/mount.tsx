/**
 * Mounts the widget app into a shadow root: creates the runtime, renders the launcher and the
 * panel, starts the runtime and tells it when the visitor is looking. Shared by the script-tag
 * path (`boot.ts`) and the SPA entry (`../index.ts`).
 */
import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import { createRuntime } from '../../src/index.ts';
import { readColor, writeColor } from '../color-cache.ts';
import type { Runtime, RuntimeOptions } from '../../src/types.ts';
import { Widget } from './components/widget.tsx';
import { createWidgetModel } from './model.ts';
import { applyStyles } from './theme.ts';

export interface MountAppOptions {
  /** The shadow root to render into; whatever it holds (the loader's launcher) is replaced. */
  root: ShadowRoot;
  runtime: RuntimeOptions;
  /** Launcher/accent colour chosen by the site owner; overrides the tenant's branding. */
  color?: string;
  /** Open the panel at once. */
  open?: boolean;
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

export function mountApp({ root, runtime: runtimeOptions, color, open }: MountAppOptions): WidgetController {
  const runtime = createRuntime(runtimeOptions);
  const tenant = runtimeOptions.slug ?? runtimeOptions.publicKey;
  const model = createWidgetModel(runtime, { color, open, fallbackColor: tenant ? readColor(tenant) : undefined });
  const doc = root.ownerDocument;
  const visible = signal(doc.visibilityState === 'visible');
  const onVisibility = () => {
    visible.value = doc.visibilityState === 'visible';
  };
  doc.addEventListener('visibilitychange', onVisibility);
  const disposers = [
    applyStyles(root, model.accent),
    // Unread is cleared only while the visitor can actually see the conversation.
    effect(() => runtime.setVisible(model.open.value && visible.value)),
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

  model.start();

  return {
    runtime,
    open: () => void (model.open.value = true),
    close: () => void (model.open.value = false),
    toggle: () => void (model.open.value = !model.open.value),
    destroy() {
      render(null, container);
      container.remove();
      for (const dispose of disposers) dispose();
      doc.removeEventListener('visibilitychange', onVisibility);
      runtime.destroy();
    },
  };
}
