/**
 * Microphone and camera choice during a call: one `<select>` per kind, filled from
 * `call.devices()` (again when devices are plugged in or out, `src/calls/devices.ts`, shared
 * with the agent console); the current one is read from the local stream's track. A switch
 * replaces the track without interrupting the call.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActiveCall, CallDevice } from '../../../src/index.ts';
import { deviceInUse, deviceName, inputsOf, watchDevices, type InputKind } from '../../../src/calls/devices.ts';
import { useCallText } from '../i18n/call-text.ts';

export function DevicePicker({ call, onError }: { call: ActiveCall; onError(message: string): void }) {
  const [devices, setDevices] = useState<CallDevice[]>([]);
  const { c } = useCallText();
  useEffect(() => watchDevices(call, setDevices), [call]);

  const pick = (kind: InputKind, deviceId: string) =>
    call.useDevice(kind, deviceId).catch(() => onError(kind === 'audioinput' ? c.micFailed : c.cameraFailed));

  const select = (kind: InputKind, label: string) => {
    const list = inputsOf(devices, kind);
    if (!list.length || (kind === 'videoinput' && (call.type === 'audio' || call.audioOnly.value))) return null;
    return (
      <label class="call-device">
        <span>{label}</span>
        <select data-testid={`call-${kind}`} value={deviceInUse(call.localStream.value, kind)} onChange={(e) => void pick(kind, e.currentTarget.value)}>
          {list.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {deviceName(d, i, label)}
            </option>
          ))}
        </select>
      </label>
    );
  };

  return (
    <div class="call-devices" data-testid="call-devices">
      {select('audioinput', c.microphone)}
      {select('videoinput', c.camera)}
    </div>
  );
}
