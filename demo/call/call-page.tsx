/**
 * The call page a call link opens (extensions.md §15), phone first: checks the link, names the
 * business, and starts the call on a tap (browsers ask for the camera only after a gesture),
 * then shows the widget's own call view. Clear pages for a link that expired or is not valid,
 * and for a conversation that has ended. Closing the tab (or opening another link in it) hangs
 * the call up.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActiveCall, CallType, RuntimeError } from '../../src/index.ts';
import type { CallLinkSession } from '../../src/contract/extensions.ts';
import { CallView } from '../../widget/app/call/call-view.tsx';
import { playRemoteAudio } from '../../widget/app/call/remote-audio.ts';
import { forgetLinkToken } from './link-token.ts';
import { createPageHost, openLinkSession, type PageHost } from './page-host.ts';
import { placeCall } from './place-call.ts';

type State =
  | { kind: 'opening' }
  | { kind: 'refused'; error: Pick<RuntimeError, 'code' | 'details'> }
  | { kind: 'ready'; session: CallLinkSession; page: PageHost }
  | { kind: 'calling'; session: CallLinkSession; page: PageHost; call: ActiveCall | null; failure: RuntimeError | null };

const NO_LINK = { code: 'CALL_LINK_INVALID' } as const;

export function CallPage({ apiBase, token }: { apiBase: string; token: string | null }) {
  const [state, setState] = useState<State>(token ? { kind: 'opening' } : { kind: 'refused', error: NO_LINK });
  const [attempt, setAttempt] = useState(0);
  const placed = useRef<ActiveCall | null>(null);

  useEffect(() => {
    // The team must not be left ringing, or talking to no one, when the tab closes.
    const leave = () => placed.current?.hangUpOnExit();
    addEventListener('pagehide', leave);
    return () => {
      removeEventListener('pagehide', leave);
      // Unmounted for another link (hashchange): this link's call is over.
      void placed.current?.hangUp();
    };
  }, []);

  useEffect(() => {
    if (!token) return;
    let page: PageHost | undefined;
    let live = true;
    setState({ kind: 'opening' });
    openLinkSession(apiBase, token).then(
      (session) => {
        if (!live) return;
        document.title = `Call ${session.tenant.name}`;
        page = createPageHost(apiBase, token, session);
        setState({ kind: 'ready', session, page });
      },
      (error: RuntimeError) => {
        // A link that will never work again is not kept for a reload.
        if (error.code === 'CALL_LINK_INVALID' || error.code === 'CONVERSATION_CLOSED') forgetLinkToken(window);
        if (live) setState({ kind: 'refused', error });
      },
    );
    return () => {
      live = false;
      page?.close();
    };
  }, [attempt]);

  const type: CallType = (state.kind === 'ready' || state.kind === 'calling') && state.session.service === 'voice_call' ? 'audio' : 'video';
  const start = () => {
    if (state.kind !== 'ready' && state.kind !== 'calling') return;
    const { session, page } = state;
    setState({ kind: 'calling', session, page, call: null, failure: null });
    placeCall(page.host, session.conversationId, type).then(
      (call) => {
        placed.current = call;
        playRemoteAudio(call);
        // A call that happened (not one refused before it rang): the link has served; a reload shows it spent.
        void call.done.then((session) => session && forgetLinkToken(window));
        setState({ kind: 'calling', session, page, call, failure: null });
      },
      (failure: RuntimeError) => setState({ kind: 'calling', session, page, call: null, failure }),
    );
  };

  const tenant = state.kind === 'ready' || state.kind === 'calling' ? state.session.tenant.name : null;
  return (
    <>
      <header class="page-top">
        <h1>{tenant ? `Call ${tenant}` : 'Call'}</h1>
        {tenant && <p>{type === 'video' ? 'Video call' : 'Voice call'} from your chat</p>}
      </header>
      <div class="page-body">
        {state.kind === 'opening' && <p class="page-message" role="status">Opening your call…</p>}
        {state.kind === 'refused' && <Refused error={state.error} onRetry={() => setAttempt(attempt + 1)} />}
        {state.kind === 'ready' && (
          <div class="start">
            <p>{type === 'video' ? 'Your browser will ask to use your camera and microphone.' : 'Your browser will ask to use your microphone.'}</p>
            <button type="button" class="primary" data-testid="call-page-start" onClick={start}>
              {type === 'video' ? 'Start video call' : 'Start voice call'}
            </button>
          </div>
        )}
        {state.kind === 'calling' && (
          <CallView call={state.call} failure={state.failure} type={type} onDismiss={() => setState({ kind: 'ready', session: state.session, page: state.page })} />
        )}
      </div>
    </>
  );
}

/** Why the link cannot be used, and what to do instead. */
function Refused({ error, onRetry }: { error: Pick<RuntimeError, 'code' | 'details'>; onRetry(): void }) {
  const [title, text, retry] =
    error.code === 'CALL_LINK_INVALID'
      ? error.details?.includes('expired')
        ? ['This call link has expired', 'Call links work for 30 minutes. Ask for a new one in the chat.', false]
        : ['This call link is not valid', 'Check that you opened the whole link, or ask for a new one in the chat.', false]
      : error.code === 'CONVERSATION_CLOSED'
        ? ['This conversation has ended', 'Its call link no longer works. Start a new chat on the website to call us.', false]
        : ['We could not open your call', 'Check your connection and try again.', true];
  return (
    <div class="page-message" role="alert" data-testid="call-page-refused" data-code={error.code}>
      <h2>{title}</h2>
      <p>{text}</p>
      {retry && (
        <button type="button" class="primary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
