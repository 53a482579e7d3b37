/**
 * The buttons under a live call: mute, camera off/on (video calls with a camera), the device
 * picker, hang up (cancel while ringing). Toggles say their state with `aria-pressed`.
 */
import { useState } from 'preact/hooks';
import type { ActiveCall } from '../../../src/index.ts';
import { useCallText } from '../i18n/call-text.ts';
import { HangUpIcon, MicIcon, MicOffIcon, TuneIcon, VideoIcon, VideoOffIcon } from './call-icons.tsx';
import { DevicePicker } from './device-picker.tsx';

export function CallControls({ call, onError }: { call: ActiveCall; onError(message: string): void }) {
  const [picking, setPicking] = useState(false);
  const { c } = useCallText();
  const phase = call.phase.value;
  const muted = call.muted.value;
  const cameraOff = call.cameraOff.value;
  const media = !!call.localStream.value;
  const camera = call.type === 'video' && !call.audioOnly.value;
  const ringing = phase === 'preparing' || phase === 'ringing';
  return (
    <>
      {picking && media && <DevicePicker call={call} onError={onError} />}
      <div class="call-controls" role="group" aria-label={c.controls}>
        {media && (
          <button type="button" class="call-button" aria-label={c.mute} aria-pressed={muted} data-testid="call-mute" onClick={() => call.setMuted(!muted)}>
            {muted ? <MicOffIcon /> : <MicIcon />}
          </button>
        )}
        {media && camera && (
          <button
            type="button"
            class="call-button"
            aria-label={c.cameraOff}
            aria-pressed={cameraOff}
            data-testid="call-camera"
            onClick={() => call.setCameraOff(!cameraOff)}
          >
            {cameraOff ? <VideoOffIcon /> : <VideoIcon />}
          </button>
        )}
        {media && (
          <button
            type="button"
            class="call-button"
            aria-label={c.chooseDevices}
            aria-expanded={picking}
            data-testid="call-devices-toggle"
            onClick={() => setPicking(!picking)}
          >
            <TuneIcon />
          </button>
        )}
        <button
          type="button"
          class="call-button hang-up"
          aria-label={ringing ? c.cancelCall : c.hangUp}
          data-testid="call-hangup"
          onClick={() => void call.hangUp()}
        >
          <HangUpIcon />
        </button>
      </div>
    </>
  );
}
