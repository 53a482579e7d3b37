/**
 * What a native shell calls on the hosted page (extensions.md §16): hand it the app's push token,
 * so the token belongs to the visitor chatting in this web view (a runtime of the app's own would
 * be another visitor, with its own credential). Called through `evaluateJavaScript` /
 * `injectJavaScript`; answers go back over the bridge as `push` or `error` events.
 */
import type { DeviceRegistration, DeviceUnregistration, Runtime } from '../../src/index.ts';
import { isRuntimeError } from '../../src/index.ts';
import type { BridgeEvent } from './bridge.ts';

/** `window.RingnityChat`: the page's one global, read-only. */
export interface NativeCommands {
  /** Registers (or refreshes) the app's push token for this visitor; posts `push` with `enabled: true`. */
  registerPush(device: DeviceRegistration): Promise<void>;
  /** Disables it (sign-out); posts `push` with `enabled: false` and how many were disabled. */
  unregisterPush(match: DeviceUnregistration): Promise<void>;
}

export function installNativeCommands(win: Window, runtime: Runtime, post: (event: BridgeEvent) => void): void {
  const failed = (e: unknown) =>
    post({ type: 'error', code: isRuntimeError(e) ? e.code : 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) });
  const commands: NativeCommands = {
    registerPush: (device) =>
      runtime.devices.register(device).then((d) => post({ type: 'push', enabled: true, deviceId: d.deviceId ?? null }), failed),
    unregisterPush: (match) =>
      runtime.devices.unregister(match).then((disabled) => post({ type: 'push', enabled: false, disabled }), failed),
  };
  Object.defineProperty(win, 'RingnityChat', { value: Object.freeze(commands) });
}
