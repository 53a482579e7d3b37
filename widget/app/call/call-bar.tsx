/**
 * The call part of the panel, a chunk loaded when the panel opens for a tenant that offers calls
 * (the header asks bootstrap first): the voice and video buttons in the header, as
 * `runtime.calls().available` allows, and the call layer over the panel while a call goes on
 * (or says why it ended, until the visitor closes it). The layer can be folded away to read the
 * chat; a button in the header brings it back. A call outlives the panel: closing the chat
 * leaves it running (its sound plays on, `follow-calls.ts`) and reopening shows it again. When
 * the layer folds or closes, focus goes to the button that stands in for it.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ActiveCall, Calls, CallType, RuntimeError } from '../../../src/index.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { ChevronDownIcon } from '../components/icons.tsx';
import { useCallText } from '../i18n/call-text.ts';
import type { WidgetModel } from '../model.ts';
import { PhoneIcon, VideoIcon } from './call-icons.tsx';
import { CALL_CSS } from './call-styles.ts';
import { CallView } from './call-view.tsx';
import { PhoneLink } from './phone-link.tsx';
import { followCalls } from './follow-calls.ts';

/** What the layer shows: a call being asked for, a call, or why one could not start. */
interface Shown {
  type: CallType;
  call: ActiveCall | null;
  failure: RuntimeError | null;
}

export function CallBar({ model }: { model: WidgetModel }) {
  const root = useRef<HTMLSpanElement>(null);
  useChunkStyles(root, CALL_CSS);
  const { c } = useCallText();
  const [calls, setCalls] = useState<Calls | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [folded, setFolded] = useState(false);
  // Where focus goes after the next render: the layer that had it is gone (folded or closed).
  const refocus = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    // A failure leaves the buttons away; the chat itself goes on.
    model.runtime.calls().then((c) => {
      followCalls(c);
      if (live) setCalls(c);
    }, () => undefined);
    return () => void (live = false);
  }, []);
  useLayoutEffect(() => {
    const target = refocus.current ? root.current?.querySelector<HTMLElement>(refocus.current) : null;
    refocus.current = null;
    target?.focus();
  });

  // A call still going on when the panel opens again (or started elsewhere in this tab).
  const current = calls?.current.value ?? null;
  const live = current && current.phase.value !== 'ended' ? current : null;
  // While `start` waits for the microphone, the call it makes is already `current`: show it (to cancel).
  const view: Shown | null = shown ? (shown.call || shown.failure || !live ? shown : { ...shown, call: live }) : live && { type: live.type, call: live, failure: null };
  // Keep it once seen, so that when it ends the layer stays to say why.
  useEffect(() => {
    if (live && !shown) setShown({ type: live.type, call: live, failure: null });
  }, [live]);
  const call = view?.call ?? null;
  const over = !!view && (view.failure !== null || call?.phase.value === 'ended');
  // A call that ends while folded away unfolds to say why.
  const open = !!view && (!folded || over);

  const start = (type: CallType) => {
    if (!calls) return;
    setFolded(false);
    setShown({ type, call: null, failure: null });
    calls.start(type).then(
      (started) => setShown({ type, call: started, failure: null }),
      (failure: RuntimeError) => setShown({ type, call: null, failure }),
    );
  };
  const available = calls?.available.value;
  const busy = !!view && !over;

  return (
    <span ref={root} class="call-bar">
      {busy && folded ? (
        <button type="button" class="call-return" data-testid="call-return" onClick={() => setFolded(false)}>
          {c.returnToCall}
        </button>
      ) : (
        <>
          {available?.audio && (
            <button type="button" class="icon-button" aria-label={c.startVoice} data-testid="call-voice" disabled={busy} onClick={() => start('audio')}>
              <PhoneIcon />
            </button>
          )}
          {available?.video && (
            <button type="button" class="icon-button" aria-label={c.startVideo} data-testid="call-video" disabled={busy} onClick={() => start('video')}>
              <VideoIcon />
            </button>
          )}
        </>
      )}
      {open && view && (
        <CallLayer
          title={view.type === 'video' ? c.videoCall : c.voiceCall}
          onFold={
            over
              ? undefined
              : () => {
                  refocus.current = '[data-testid=call-return]';
                  setFolded(true);
                }
          }
        >
          <CallView
            call={call}
            failure={view.failure}
            type={view.type}
            onDismiss={() => {
              refocus.current = `[data-testid=call-${view.type === 'video' ? 'video' : 'voice'}]`;
              setShown(null);
              setFolded(false);
            }}
          >
            {calls && <PhoneLink calls={calls} service={view.type === 'video' ? 'video_call' : 'voice_call'} />}
          </CallView>
        </CallLayer>
      )}
    </span>
  );
}

/**
 * The layer over the whole panel, with its title and a button to fold it away. Focus moves in
 * when it opens, and back to the title when the call ends under it (the hang-up button is gone).
 */
function CallLayer({ title, onFold, children }: { title: string; onFold: (() => void) | undefined; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const over = !onFold;
  const { c } = useCallText();
  useLayoutEffect(() => {
    const root = layer.current?.getRootNode() as Document | ShadowRoot | undefined;
    if (!over || !layer.current?.contains(root?.activeElement ?? null)) heading.current?.focus();
  }, [over]);
  return (
    <div ref={layer} class="call-layer" data-testid="call-layer">
      <div class="call-top">
        <h3 ref={heading} tabIndex={-1}>
          {title}
        </h3>
        {onFold && (
          <button type="button" class="icon-button" aria-label={c.showChat} data-testid="call-fold" onClick={onFold}>
            <ChevronDownIcon />
          </button>
        )}
      </div>
      {children}
    </div>
  );
}
