/**
 * Push tokens (extensions.md §16): `runtime.devices`, a chunk loaded on first use (the core
 * entry is at its size budget and most pages never register a token).
 */
import type { HttpClient } from '../http.ts';
import type { DevicePushToken, DeviceRegistration, DeviceUnregistration } from './types.ts';

const PATH = 'sdk/devices/push-token';

export async function register(http: HttpClient, device: DeviceRegistration): Promise<DevicePushToken> {
  return (await http.post<{ device: DevicePushToken }>(PATH, device)).device;
}

/** Disables the token; resolves with how many registrations it disabled (0 when none was enabled). */
export async function unregister(http: HttpClient, device: DeviceUnregistration): Promise<number> {
  return (await http.del<{ disabled: number }>(PATH, device)).disabled;
}
