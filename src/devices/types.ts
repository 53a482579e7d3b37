/** Public types of push-token registration (extensions.md §16), aliased from the contract. */
import type { components } from '../contract/openapi.d.ts';

type Schemas = components['schemas'];

/** Where the app runs: `android`, `ios`, `flutter`, `react_native`, `kotlin`, `swift`, `web`. */
export type DevicePushPlatform = Schemas['DevicePushPlatform'];
/** Which push service issued the token: `fcm`, `apns`, `apns_voip`. */
export type DevicePushProvider = Schemas['DevicePushProvider'];
type Register = Schemas['RegisterDevicePushTokenRequest'];
type Defaulted = 'provider' | 'audience' | 'callMode';
/**
 * What {@link Devices.register} sends: `platform` and `token` are required; `provider` defaults
 * to `fcm`, `audience` to `visitor`, `callMode` to `basic`; `deviceId` is the app's own stable
 * install id (never a hardware id). (The generated type marks fields with a default required,
 * which is right for answers only: a request may leave them out.)
 */
export type DeviceRegistration = Omit<Register, Defaulted> & Partial<Pick<Register, Defaulted>>;
/**
 * What {@link Devices.unregister} matches: a `deviceId`, a `token`, or both; `provider` narrows.
 * (Written from the contract's parts: openapi-typescript renders this schema's `anyOf` as `unknown`.)
 */
export type DeviceUnregistration = { provider?: DevicePushProvider } & (
  | { deviceId: string; token?: string }
  | { token: string; deviceId?: string }
);
/** A registered token as the server keeps it (the token itself is never sent back). */
export type DevicePushToken = Schemas['DevicePushToken'];

/** `runtime.devices`: the visitor's push tokens, for mobile shells (FCM/APNs). */
export interface Devices {
  /**
   * Registers (or refreshes) the visitor's push token and enables it; call it at every app start
   * and whenever the push service hands out a new token. Opens a visitor session if there is
   * none yet (no `start()` needed). Rejects with a `RuntimeError`: `SDK_DEVICE_TOKEN_INVALID`
   * for a token that is not one, `VALIDATION_FAILED` for a malformed field.
   * @example
   * await runtime.devices.register({ platform: 'android', provider: 'fcm', token: fcmToken, deviceId: installId });
   */
  register(device: DeviceRegistration): Promise<DevicePushToken>;
  /**
   * Disables the visitor's tokens that match (on sign-out); resolves with how many were enabled
   * until now (0 when already disabled). Rejects with `SDK_DEVICE_TOKEN_UNREGISTER_FAILED` when
   * none of this visitor's tokens matches.
   * @example
   * await runtime.devices.unregister({ deviceId: installId });
   */
  unregister(device: DeviceUnregistration): Promise<number>;
}
