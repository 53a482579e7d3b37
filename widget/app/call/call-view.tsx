/**
 * One call, as the visitor sees it, in the chat panel and on the call page (`demo/call/`): the
 * other side's video large (or, audio only, the agent's name and the time), this side's preview
 * small and mirrored, what is happening in words, the controls, and once it is over why it
 * ended. Shown for a call that could not even start too (`failure`, no call object).
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { ActiveCall, CallType, RuntimeError } from '../../../src/index.ts';
import { PRIMARY_CSS, useChunkStyles } from '../chunk-styles.ts';
import { useCallText } from '../i18n/call-text.ts';
import { CallControls } from './call-controls.tsx';
import { CALL_CSS } from './call-styles.ts';
import { endText, errorText, phaseText } from './call-text.ts';
import { CallTimer } from './call-timer.tsx';
import { StreamVideo } from './stream-video.tsx';

export interface CallViewProps {
  /** The call; `null` while it is being asked for, or when it could not start (`failure` says why). */
  call: ActiveCall | null;
  failure?: RuntimeError | null;
  /** What is being asked for while `call` is `null`. @default 'audio' */
  type?: CallType;
  /** Closes the view once the call is over (the visitor read why). */
  onDismiss(): void;
  /** Extra actions under a call that is over (e.g. "Call again"). */
  children?: ComponentChildren;
}

export function CallView({ call, failure = null, type: asked = 'audio', onDismiss, children }: CallViewProps) {
  const root = useRef<HTMLElement>(null);
  useChunkStyles(root, PRIMARY_CSS);
  useChunkStyles(root, CALL_CSS);
  const { c } = useCallText();
  const [problem, setProblem] = useState<string | null>(null);
  const phase = call?.phase.value ?? (failure ? 'ended' : 'preparing');
  const session = call?.session.value ?? null;
  const error = call?.error.value ?? failure;
  const type = call?.type ?? asked;
  const ended = phase === 'ended';
  const remote = call?.remoteStream.value ?? null;
  const local = call?.localStream.value ?? null;
  const remoteVideo = !ended && !!remote?.getVideoTracks().length && type === 'video';
  const showLocal = !ended && !!local?.getVideoTracks().length && !call?.cameraOff.value;
  const live = phase === 'connected' || phase === 'reconnecting';
  const agent = session?.metadata?.agentName ?? c.ourTeam;
  const status = ended ? (error ? errorText(c, error, type) : endText(c, session)) : phaseText(c, phase, type);

  return (
    <section ref={root} class="call" aria-label={type === 'video' ? c.videoCall : c.voiceCall} data-testid="call-view" data-phase={phase}>
      <div class={`call-stage${remoteVideo ? ' has-video' : ''}`}>
        {remoteVideo ? (
          <StreamVideo stream={remote} class="call-remote" label={c.theirVideo(agent)} testId="call-remote-video" />
        ) : (
          <div class="call-who">
            <span class="call-avatar" aria-hidden="true">
              {agent.charAt(0).toUpperCase()}
            </span>
            <span class="call-name">{agent}</span>
          </div>
        )}
        {live && <CallTimer since={session?.answeredAt} />}
        {showLocal && <StreamVideo stream={local} class="call-local" label={c.yourCamera} testId="call-local-video" />}
      </div>
      <p class={`call-status${ended && error ? ' call-error' : ''}`} role={ended && error ? 'alert' : 'status'} data-testid={ended && error ? 'call-error' : 'call-status'} data-code={error?.code}>
        {status}
      </p>
      {!ended && call?.audioOnly.value && call.type === 'video' && (
        <p class="call-note" data-testid="call-audio-only">
          {c.voiceOnly}
        </p>
      )}
      {problem && !ended && (
        <p class="call-note" role="alert">
          {problem}
        </p>
      )}
      {!ended ? (
        call && <CallControls call={call} onError={setProblem} />
      ) : (
        <div class="call-after">
          {children}
          <button type="button" class="primary" data-testid="call-dismiss" onClick={onDismiss}>
            {c.close}
          </button>
        </div>
      )}
    </section>
  );
}
