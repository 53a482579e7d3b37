/**
 * "Send call link": sends the visitor a link to the call page (a new tab, or their phone) as an
 * ordinary message, for a voice or a video call.
 */
import { useState } from 'preact/hooks';
import type { CallLinkService } from '../../../src/contract/extensions.ts';
import type { Desk } from '../desk.ts';
import { CallIcon } from './call-icon.tsx';

export function CallLinkButton({ desk, disabled }: { desk: Desk; disabled: boolean }) {
  const [sending, setSending] = useState<CallLinkService | null>(null);
  const send = async (service: CallLinkService) => {
    setSending(service);
    await desk.sendCallLink(service);
    setSending(null);
  };
  return (
    <span class="call-link" role="group" aria-label="Send call link">
      <span class="muted">Call link:</span>
      <button
        type="button"
        disabled={disabled || sending !== null}
        onClick={() => void send('voice_call')}
        aria-label="Send a voice call link"
        data-testid="send-call-link-voice"
      >
        <CallIcon type="audio" /> Voice
      </button>
      <button
        type="button"
        disabled={disabled || sending !== null}
        onClick={() => void send('video_call')}
        aria-label="Send a video call link"
        data-testid="send-call-link-video"
      >
        <CallIcon type="video" /> Video
      </button>
    </span>
  );
}
