/**
 * The buttons of a call in progress: mute, camera off, the microphone and camera pickers, and
 * hang up. Toggle buttons keep one label and say their state with `aria-pressed` (a label that
 * changed too would be read as "Unmute, pressed").
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActiveCall, CallDevice } from '../../../src/calls/types.ts';
import { deviceInUse, deviceName, inputsOf, watchDevices, type InputKind } from '../../../src/calls/devices.ts';

export function CallControls({ call }: { call: ActiveCall }) {
  const muted = call.muted.value;
  const cameraOff = call.cameraOff.value;
  const video = call.type === 'video' && !call.audioOnly.value;
  return (
    <div class="call-controls" role="group" aria-label="Call controls">
      <button type="button" aria-pressed={muted} onClick={() => call.setMuted(!muted)} data-testid="call-mute">
        Mute
      </button>
      {video && (
        <button type="button" aria-pressed={cameraOff} onClick={() => call.setCameraOff(!cameraOff)} data-testid="call-camera">
          Camera off
        </button>
      )}
      <DevicePickers call={call} video={video} />
      <button type="button" class="hangup" onClick={() => void call.hangUp()} data-testid="call-hangup">
        Hang up
      </button>
    </div>
  );
}

function DevicePickers({ call, video }: { call: ActiveCall; video: boolean }) {
  const [devices, setDevices] = useState<CallDevice[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const stream = call.localStream.value;
  // Listed again once permission was given (labels) and when devices are plugged in or out.
  useEffect(() => watchDevices(call, setDevices), [call]);

  const pick = (kind: InputKind, deviceId: string) => {
    setProblem(null);
    call.useDevice(kind, deviceId).catch((error: unknown) => setProblem(`Switching failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const picker = (kind: InputKind, label: string, testId: string) => {
    const list = inputsOf(devices, kind);
    if (list.length === 0) return null;
    return (
      <label class="call-device">
        <span>{label}</span>
        <select value={deviceInUse(stream, kind)} onChange={(event) => pick(kind, event.currentTarget.value)} data-testid={testId}>
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
    <>
      {picker('audioinput', 'Microphone', 'call-microphone')}
      {video && picker('videoinput', 'Camera', 'call-camera-device')}
      {problem && (
        <span class="call-problem" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}
