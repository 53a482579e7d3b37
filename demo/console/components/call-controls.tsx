/**
 * The buttons of a call in progress: mute, camera off, the microphone and camera pickers, and
 * hang up. Toggle buttons keep one label and say their state with `aria-pressed` (a label that
 * changed too would be read as "Unmute, pressed").
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActiveCall, CallDevice } from '../../../src/calls/types.ts';

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

/** The track's device, so the picker shows what is in use. */
const inUse = (stream: MediaStream | null, kind: 'audio' | 'video') =>
  stream?.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId ?? '';

function DevicePickers({ call, video }: { call: ActiveCall; video: boolean }) {
  const [devices, setDevices] = useState<CallDevice[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const stream = call.localStream.value;
  // Labels come once permission was given, i.e. once the local stream exists.
  useEffect(() => {
    let live = true;
    call.devices().then(
      (list) => live && setDevices(list),
      () => undefined,
    );
    return () => void (live = false);
  }, [call, stream]);

  const pick = (kind: 'audioinput' | 'videoinput', deviceId: string) => {
    setProblem(null);
    call.useDevice(kind, deviceId).catch((error: unknown) => setProblem(`Switching failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const picker = (kind: 'audioinput' | 'videoinput', label: string, testId: string, current: string) => {
    const list = devices.filter((d) => d.kind === kind);
    if (list.length === 0) return null;
    return (
      <label class="call-device">
        <span>{label}</span>
        <select value={current} onChange={(event) => pick(kind, event.currentTarget.value)} data-testid={testId}>
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
    <>
      {picker('audioinput', 'Microphone', 'call-microphone', inUse(stream, 'audio'))}
      {video && picker('videoinput', 'Camera', 'call-camera-device', inUse(stream, 'video'))}
      {problem && (
        <span class="call-problem" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}
