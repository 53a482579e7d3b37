/**
 * The call this agent is in: the visitor's video large with the agent's own preview small, or
 * for a voice call (or a visitor without camera) the visitor's name and a timer; the phase in
 * words, a notice when something went wrong, the controls, and after the end a summary to close.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActiveCall } from '../../../src/calls/types.ts';
import type { CallDesk } from '../calls.ts';
import { PHASE_TEXT, callKind, callNotice, formatDuration } from '../call-text.ts';
import type { Desk } from '../desk.ts';
import { CallControls } from './call-controls.tsx';
import { CallIcon } from './call-icon.tsx';
import { StreamView } from './call-media.tsx';
import { CallStatsLine } from './call-stats.tsx';
import { CallTimer } from './call-timer.tsx';
import { visitorName } from './names.ts';

export function ActiveCallView({ calls, desk }: { calls: CallDesk; desk: Desk }) {
  const call = calls.active.value;
  // Keyed by call object (accepting the same call again after fixing permissions is a new one):
  // a new call starts with fresh focus, timer and devices.
  const keys = useRef({ next: 0, of: new WeakMap<ActiveCall, number>() }).current;
  if (call && !keys.of.has(call)) keys.of.set(call, ++keys.next);
  return call ? <CallView key={keys.of.get(call)} call={call} desk={desk} onClose={() => calls.dismiss()} /> : null;
}

function CallView({ call, desk, onClose }: { call: ActiveCall; desk: Desk; onClose(): void }) {
  const phase = call.phase.value;
  const session = call.session.value;
  const error = call.error.value;
  const remote = call.remoteStream.value;
  const local = call.localStream.value;
  const conversation = session ? desk.conversation(session.conversationId) : null;
  const name = conversation ? visitorName(conversation) : 'the visitor';
  const heading = useRef<HTMLHeadingElement>(null);
  const ended = phase === 'ended';

  // The Accept button that had focus is gone: keyboard and screen reader users land on the call.
  useEffect(() => heading.current?.focus(), []);

  const hasVideo = useHasVideo(remote);
  const remoteVideo = call.type === 'video' && hasVideo;
  const localVideo = call.type === 'video' && !call.audioOnly.value && !call.cameraOff.value;
  const notice = callNotice({
    type: call.type,
    phase,
    session,
    audioOnly: call.audioOnly.value,
    errorCode: error?.code ?? null,
    errorMessage: error?.message,
  });
  const live = phase === 'connected' || phase === 'reconnecting';

  return (
    <section class={`call-view phase-${phase}`} aria-labelledby="call-heading" data-testid="call-view" data-phase={phase}>
      <header class="call-head">
        <h2 id="call-heading" ref={heading} tabIndex={-1}>
          <CallIcon type={call.type} />{' '}
          {callKind(call.type)} with {name}
        </h2>
        <span class="call-phase" role="status" data-testid="call-phase">
          {ended ? endedText(session?.status, session?.durationSeconds) : PHASE_TEXT[phase]}
        </span>
        {live && <CallTimer since={session?.answeredAt} running={phase === 'connected'} />}
      </header>
      {!ended && (
        <div class={`call-stage${remoteVideo ? ' with-video' : ''}`}>
          {remoteVideo ? (
            <StreamView stream={remote} kind="video" label={`${name}'s video`} class="call-remote" testId="call-remote" />
          ) : (
            <div class="call-audio">
              <span class="call-avatar" aria-hidden="true">
                {name.slice(0, 1).toUpperCase()}
              </span>
              <strong>{name}</strong>
              <StreamView stream={remote} kind="audio" label={`${name}'s audio`} testId="call-remote" />
            </div>
          )}
          {localVideo && <StreamView stream={local} kind="video" muted label="Your camera preview" class="call-local" testId="call-local" />}
        </div>
      )}
      {notice && (
        <p class={`call-notice ${notice.level}`} role={notice.level === 'alert' ? 'alert' : 'status'} data-testid="call-notice">
          {notice.text}
        </p>
      )}
      {!ended && <CallStatsLine call={call} live={live} />}
      {ended ? (
        <div class="call-controls">
          <button type="button" onClick={onClose} data-testid="call-dismiss">
            Close
          </button>
        </div>
      ) : (
        <CallControls call={call} />
      )}
    </section>
  );
}

/** Whether the stream carries video; tracks can join the same stream after it was first shown. */
function useHasVideo(stream: MediaStream | null): boolean {
  const [, setTracks] = useState(0);
  useEffect(() => {
    if (!stream) return;
    const changed = () => setTracks(stream.getTracks().length);
    stream.addEventListener('addtrack', changed);
    stream.addEventListener('removetrack', changed);
    return () => {
      stream.removeEventListener('addtrack', changed);
      stream.removeEventListener('removetrack', changed);
    };
  }, [stream]);
  return Boolean(stream?.getVideoTracks().length);
}

function endedText(status: string | undefined, seconds: number | null | undefined): string {
  // This agent could not answer (no microphone …): the call still rings for the team.
  if (status === 'started') return 'Not answered';
  if (status === 'missed') return 'Missed';
  if (status === 'failed') return 'Call failed';
  return seconds ? `Call ended · ${formatDuration(seconds)}` : 'Call ended';
}
