/**
 * One mounted widget as the site drives it: the same methods for `window.Ringnity(...)` (the
 * script tag, `../app/commands/commander.ts`) and the `mountWidget()` handle (`../index.ts`).
 * Part of the command API's chunk, never of the first screen.
 */
import type { Runtime } from '../../src/types.ts';
import { createWidgetApi } from '../app/commands/widget-api.ts';
import type { PlacedWidget } from '../app/commands/placement.ts';
import { clearLocalStorage, type WipeableStorage } from './storage.ts';
import type { IdentifyOptions, WidgetCommands } from './types.ts';

/** Mounts the widget UI and its runtime; `contextToken` when `identify` brought one. */
export type MountFn = (storage: WipeableStorage, contextToken?: string) => PlacedWidget;

/** A mounted widget the site can command. */
export interface WidgetHandle extends WidgetCommands {
  /** The runtime under the widget (a new one after `identify({ contextToken })`). */
  readonly runtime: Runtime;
  /** Runs a `window.Ringnity(command, ...args)` call; unknown commands are ignored. */
  run(command: string, ...args: unknown[]): void;
  /** Removes the widget and closes its connection; what it stored stays (a returning visitor). */
  destroy(): void;
  /** Removes the widget and everything it stored (visitor id, outbox, remembered settings). */
  shutdown(): Promise<void>;
}

const METHODS = /^(open|close|toggle|hideLauncher|showLauncher|identify|update|navigate|consent|on|off)$/;

/**
 * @param mounted a widget already on the page (the first screen mounted it before this chunk
 * arrived); otherwise `mount` mounts one now
 */
export function createWidgetHandle(win: Window, storage: WipeableStorage, mount: MountFn, mounted?: PlacedWidget): WidgetHandle {
  let widget = mounted ?? mount(storage);
  const api = createWidgetApi(win);
  api.attach(widget);
  // Ready now: `on('ready', fn)` calls made before (queued, run next) or later are answered at once.
  api.ready();

  function identify(identity: IdentifyOptions) {
    if (!('contextToken' in identity)) return api.identify(identity);
    // A verified visitor needs a runtime made with the token: mount again, keeping the listeners.
    const open = widget.isOpen.peek();
    const hidden = widget.launcherHidden.peek();
    widget.destroy();
    widget = mount(storage, identity.contextToken);
    widget.launcherHidden.value = hidden;
    if (open) widget.open();
    api.attach(widget);
  }

  const handle: WidgetHandle = {
    get runtime() {
      return widget.runtime;
    },
    open: api.open,
    close: api.close,
    toggle: api.toggle,
    hideLauncher: api.hideLauncher,
    showLauncher: api.showLauncher,
    consent: api.consent,
    update: api.update,
    navigate: api.navigate,
    on: api.on,
    off: api.off,
    identify,
    run(command, ...args) {
      if (METHODS.test(command)) (handle[command as keyof WidgetCommands] as (...xs: unknown[]) => void)(...args);
      else if (command === 'show') handle.open();
      else if (command === 'hide') handle.close();
    },
    destroy() {
      api.stop();
      widget.destroy();
    },
    async shutdown() {
      handle.destroy();
      clearLocalStorage();
      await storage.wipe();
    },
  };
  return handle;
}
