/**
 * The microphone and camera lists of a call's device pickers, shared by the widget's call view
 * and the agent console (each draws its own `<select>`s). Framework-free; imported only by the
 * call chunks, never by the core entry.
 */
import { effect } from '@preact/signals-core';
import { mediaDevicesOf } from './media.ts';
import type { ActiveCall, CallDevice } from './types.ts';

/** A kind of device a call can switch to. */
export type InputKind = 'audioinput' | 'videoinput';

/** The devices of `kind` in `devices`, in the browser's order. */
export const inputsOf = (devices: readonly CallDevice[], kind: InputKind): CallDevice[] => devices.filter((d) => d.kind === kind);

/** The id of the `kind` device the call's local stream uses now (what the picker shows), `''` when none. */
export const deviceInUse = (stream: MediaStream | null, kind: InputKind): string =>
  stream?.getTracks().find((t) => t.kind === (kind === 'audioinput' ? 'audio' : 'video'))?.getSettings().deviceId ?? '';

/**
 * A device's name in a picker: its label, or `{kindName} {n}` while the browser hides labels
 * (no media permission yet).
 */
export const deviceName = (device: CallDevice, index: number, kindName: string): string => device.label || `${kindName} ${index + 1}`;

/**
 * Lists the call's devices into `onList`: now, when the local stream changes (labels appear
 * once permission was given), and when a device is plugged in or out (`devicechange`). A listing
 * that fails keeps the last list. Returns the function that stops it (no `onList` after).
 * @param media the browser's `navigator.mediaDevices` unless given
 */
export function watchDevices(call: ActiveCall, onList: (devices: CallDevice[]) => void, media = mediaDevicesOf()): () => void {
  let live = true;
  const load = () =>
    void call.devices().then(
      (list) => live && onList(list),
      () => undefined,
    );
  const stopStream = effect(() => {
    void call.localStream.value;
    load();
  });
  media?.addEventListener('devicechange', load);
  return () => {
    live = false;
    stopStream();
    media?.removeEventListener('devicechange', load);
  };
}
