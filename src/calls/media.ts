/**
 * The microphone and camera of a call: asks for them and turns the browser's `DOMException`
 * names into the call codes of extensions.md §15, so every caller shows the same clear message.
 */
import type { CallType } from '../contract/extensions.ts';
import { RuntimeError } from '../errors.ts';

/** What {@link getMedia} got. */
export interface LocalMedia {
  stream: MediaStream;
  /** A video call found no working camera and goes on with the microphone only. */
  audioOnly: boolean;
}

// Names a browser gives a camera it cannot use: none, none matching, or held by another app
// (Firefox: `AbortError`, "Starting videoinput failed").
const NO_DEVICE = ['NotFoundError', 'OverconstrainedError', 'NotReadableError', 'DevicesNotFoundError', 'TrackStartError', 'AbortError'];
const BUSY = ['NotReadableError', 'TrackStartError', 'AbortError'];

/** `details` of the CALL_DEVICE_NOT_FOUND an insecure (`http:`) page gets: no device is the page's fault, not the visitor's. */
export const INSECURE_PAGE = 'insecure_page';
const DENIED = ['NotAllowedError', 'SecurityError', 'PermissionDeniedError'];

const nameOf = (e: unknown) => (e as { name?: unknown } | null)?.name;

/** The permission refusal every side shows the same way. */
export const permissionDenied = (cause?: unknown) =>
  new RuntimeError('CALL_PERMISSION_DENIED', 'Allow microphone and camera access in the browser to call.', { cause, retryable: false });

/** The platform's media devices: the injected ones, else the browser's (none in Node or on an `http:` page). */
export function mediaDevicesOf(injected?: MediaDevices): MediaDevices | undefined {
  return injected ?? (globalThis.navigator as { mediaDevices?: MediaDevices } | undefined)?.mediaDevices;
}

/** Converts a `getUserMedia` failure for the microphone (or a picked device) into a `RuntimeError`. */
export function mediaError(e: unknown, what = 'microphone'): RuntimeError {
  if (DENIED.includes(nameOf(e) as string)) return permissionDenied(e);
  const detail = BUSY.includes(nameOf(e) as string) ? `the ${what} is in use by another app or failed to start` : `no ${what} was found`;
  return new RuntimeError('CALL_DEVICE_NOT_FOUND', `Expected a working ${what} to call, but ${detail}. Connect one and try again.`, {
    cause: e,
    retryable: false,
  });
}

/**
 * Asks for the microphone, and the camera for `video`. A video call whose camera is missing or
 * unusable goes on with audio only (`audioOnly`); a refusal is `CALL_PERMISSION_DENIED`, no
 * microphone is `CALL_DEVICE_NOT_FOUND`.
 */
export async function getMedia(devices: MediaDevices | undefined, type: CallType): Promise<LocalMedia> {
  if (!devices?.getUserMedia) {
    // Browsers hide `mediaDevices` on insecure pages: calls need https (or localhost).
    throw new RuntimeError('CALL_DEVICE_NOT_FOUND', 'Expected media devices to call, but this page has none (calls need https).', {
      details: [INSECURE_PAGE],
      retryable: false,
    });
  }
  const video = type === 'video';
  try {
    return { stream: await devices.getUserMedia({ audio: true, video }), audioOnly: false };
  } catch (e) {
    if (!video || !NO_DEVICE.includes(nameOf(e) as string)) throw mediaError(e, video ? 'camera or microphone' : 'microphone');
  }
  // Chromium says NotFoundError when either device is missing: the retry tells which one.
  try {
    return { stream: await devices.getUserMedia({ audio: true }), audioOnly: true };
  } catch (e) {
    throw mediaError(e);
  }
}
