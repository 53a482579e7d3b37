/**
 * The widget's UI state around one runtime: whether the panel is open, whether start-up
 * finished or failed, and the accent colour. One per mounted widget, passed down as a prop
 * (no module globals).
 */
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { Runtime } from '../../src/types.ts';
import { isHexColor } from '../color-cache.ts';

/** Why the chat cannot be used, as the error state shows it. */
export interface Failure {
  /** The contract's error code (`SDK_ORIGIN_NOT_ALLOWED`, …) or `UNKNOWN`. */
  code: string;
  message: string;
  /** Trying again may work (network trouble, rate limit, a server fault). */
  retryable: boolean;
}

export interface WidgetModel {
  readonly runtime: Runtime;
  /** Panel open. */
  readonly open: Signal<boolean>;
  /** Start-up failed (the runtime's fatal error or the rejection of `start()`). */
  readonly failure: ReadonlySignal<Failure | null>;
  /** The tenant colour: the site owner's choice, else the tenant's branding (or the remembered one), else neutral. */
  readonly accent: ReadonlySignal<string>;
  /** Starts the runtime (again, after a transient failure), recording a rejection. */
  start(): void;
}

export const DEFAULT_ACCENT = '#3b4a5a';

export interface WidgetModelOptions {
  /** The site owner's colour (`data-color`, `mountWidget({ color })`). */
  color?: string;
  /** Used until the tenant's branding is known (the colour remembered from a previous visit). */
  fallbackColor?: string;
  open?: boolean;
}

export function createWidgetModel(runtime: Runtime, options: WidgetModelOptions): WidgetModel {
  const rejected = signal<Failure | null>(null);
  const toFailure = (error: unknown): Failure => {
    const { code, message, retryable } = (error ?? {}) as { code?: unknown; message?: unknown; retryable?: unknown };
    return {
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: typeof message === 'string' ? message : String(error),
      retryable: retryable === true,
    };
  };
  return {
    runtime,
    open: signal(options.open ?? false),
    failure: computed(() => {
      const fatal = runtime.error.value;
      return fatal ? toFailure(fatal) : rejected.value;
    }),
    accent: computed(() => {
      const branded = runtime.bootstrap.value?.branding?.primaryColor;
      const chosen = [options.color, branded, options.fallbackColor].find(isHexColor);
      return chosen ?? DEFAULT_ACCENT;
    }),
    start() {
      rejected.value = null;
      // The runtime keeps a fatal error on `runtime.error`; a transient one only rejects, and
      // start() may be called again for it.
      runtime.start().catch((error: unknown) => (rejected.value = toFailure(error)));
    },
  };
}
