/**
 * Microphone and camera choice during a call: one `<select>` per kind, filled from
 * `call.devices()` (again when devices are plugged in or out); the current one is read from the
 * local stream's track. A switch replaces the track without interrupting the call.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActiveCall, CallDevice } from '../../../src/index.ts';
import { useCallText } from '../i18n/call-text.ts';

type InputKind = 'audioinput' | 'videoinput';

const current = (call: ActiveCall, kind: InputKind) =>
  call.localStream.value?.getTracks().find((t) => t.kind === (kind === 'audioinput' ? 'audio' : 'video'))?.getSettings().deviceId ?? '';

export function DevicePicker({ call, onError }: { call: ActiveCall; onError(message: string): void }) {
  const [devices, setDevices] = useState<CallDevice[]>([]);
  const { c } = useCallText();
  useEffect(() => {
    let live = true;
    const load = () => void call.devices().then((list) => live && setDevices(list), () => undefined);
    load();
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    media?.addEventListener('devicechange', load);
    return () => {
      live = false;
      media?.removeEventListener('devicechange', load);
    };
  }, [call]);

  const pick = (kind: InputKind, deviceId: string) =>
    call.useDevice(kind, deviceId).catch(() => onError(kind === 'audioinput' ? c.micFailed : c.cameraFailed));

  const select = (kind: InputKind, label: string) => {
    const list = devices.filter((d) => d.kind === kind);
    if (!list.length || (kind === 'videoinput' && (call.type === 'audio' || call.audioOnly.value))) return null;
    return (
      <label class="call-device">
        <span>{label}</span>
        <select data-testid={`call-${kind}`} value={current(call, kind)} onChange={(e) => void pick(kind, e.currentTarget.value)}>
          {list.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `${label} ${i + 1}`}
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
