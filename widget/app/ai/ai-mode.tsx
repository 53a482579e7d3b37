/**
 * The panel in AI mode (tenant routing `ai_first`, issue 5), a chunk loaded only there: the
 * composer whose sends go to the AI, "Talk to a person" at all times, a Stop button while an
 * answer streams, the streaming answer's bubble, and the sources under AI answers. The
 * conversation is an ordinary one: after a handoff the panel shows the normal composer in it,
 * with the AI transcript above.
 */
import type { Ref } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
// Types only: importing the core's error helpers here would split them into a chunk of their own.
import type { AiMessageMetadata, RuntimeError } from '../../../src/index.ts';
import type { ChatMessage } from '../../../src/types.ts';
import { formatMessage } from '../../format.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useTakeFocus } from '../components/take-focus.ts';
import { SendIcon } from '../components/icons.tsx';
import { useText } from '../i18n/context.ts';
import type { ViewText } from '../i18n/en-views.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';

const CSS = `
.ai-bar{display:flex;gap:8px;justify-content:flex-end;padding:6px 12px 0}
.ai-bar button{padding:5px 10px;border:1px solid var(--rn-line);border-radius:999px;background:var(--rn-bg);font-size:13px;cursor:pointer}
.sources{display:flex;flex-wrap:wrap;gap:4px 10px;margin:4px 4px 0;font-size:12px;color:var(--rn-muted)}
.sources a{color:var(--rn-ink)}
.thinking{color:var(--rn-muted)}
`;

/** Why a question could not go to the AI, in the visitor's words. */
function explain(v: ViewText, code: string, retryAfterMs?: number): string {
  if (code === 'RATE_LIMITED') return v.aiTooFast(Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000)));
  if (code === 'AI_NOT_READY') return v.aiNotReady;
  if (code === 'FEATURE_NOT_AVAILABLE') return v.aiOff;
  return v.aiFailed;
}

export interface AiComposerProps {
  model: WidgetModel;
  inputRef: Ref<HTMLTextAreaElement>;
}

/** The composer in AI mode, with "Talk to a person" and Stop above it. */
export function AiComposer({ model, inputRef }: AiComposerProps) {
  // The model's draft: what was typed in the composer this one replaced stays (the bootstrap came late).
  const text = model.draft.value;
  const setText = (value: string) => (model.draft.value = value);
  // Sent before the AI client (a chunk) arrived: goes out once it is here, not lost. Each such
  // send loads it again if loading failed (`runtime.ai()` forgets a failed load).
  const [queued, setQueued] = useState(false);
  const [tries, setTries] = useState(0);
  const bar = useRef<HTMLDivElement>(null);
  useChunkStyles(bar, CSS);
  const form = useRef<HTMLFormElement>(null);
  useTakeFocus(form);
  const { s } = useText();
  const { v } = useViewText();
  const { runtime, notice } = model;
  const ai = model.ai.value;
  const answer = ai?.answer.value;
  const streaming = model.thinking.value || (!!answer && !answer.done);
  const body = text.trim();

  useEffect(() => {
    if (ai) return;
    runtime.ai().then(
      (chat) => {
        model.ai.value = chat;
        // The tenant's routing says the AI cannot answer here (after all): the person's chat.
        if (chat.routing.value && !chat.routing.value.canUseAi) model.human.value = true;
      },
      () => (notice.value = v.aiLoadFailed),
    );
  }, [ai, tries]);

  // A question the AI cannot take goes to the team as an ordinary message (the outbox keeps it).
  const toPerson = (question: string) => void runtime.conversation.send(question).catch(() => undefined);

  const send = () => {
    // Live values, not this render's: a queued send and an Enter may both come in one frame.
    const question = model.draft.peek().trim();
    const live = ai?.answer.peek();
    if (!question || model.thinking.peek() || (live && !live.done)) return;
    if (!ai) {
      setQueued(true);
      return setTries((n) => n + 1);
    }
    setQueued(false);
    setText('');
    notice.value = null;
    model.thinking.value = true;
    ai.ask(question)
      .catch((error: Partial<RuntimeError> | undefined) => {
        const code = error?.code ?? '';
        // A person took over (`ai.handedOff` turns the panel to their chat, for this conversation only).
        if (code === 'CONVERSATION_HANDED_OFF') return toPerson(question);
        // The AI cannot answer on this site: people answer from now on.
        if (code === 'AI_NOT_READY' || code === 'FEATURE_NOT_AVAILABLE') {
          model.human.value = true;
          toPerson(question);
        }
        // Not sent: the words come back for another try.
        else model.draft.value ||= question;
        notice.value = explain(v, code, error?.retryAfterMs);
      })
      .finally(() => (model.thinking.value = false));
  };
  useEffect(() => void (ai && queued && send()), [ai, queued]);
  const talkToPerson = () => {
    notice.value = null;
    if (!ai) return void (model.human.value = true);
    // Done, `ai.handedOff` turns the panel to the person's chat (a later conversation starts with the AI again).
    ai.handoff().catch(() => (notice.value = v.handoffFailed));
  };

  return (
    <>
      {notice.value && (
        <p class="notice" role="alert" data-testid="notice">
          {notice.value}
          <button type="button" class="link" aria-label={s.dismiss} onClick={() => (notice.value = null)}>
            <span aria-hidden="true">✕</span>
          </button>
        </p>
      )}
      <div ref={bar} class="ai-bar">
        {streaming && answer && !answer.done && (
          <button type="button" data-testid="ai-stop" onClick={() => void ai?.stop().catch(() => undefined)}>
            {v.stop}
          </button>
        )}
        <button type="button" data-testid="help-open" onClick={() => (model.view.value = 'help')}>
          {v.searchHelp}
        </button>
        <button type="button" data-testid="ai-handoff" onClick={talkToPerson}>
          {v.talkToPerson}
        </button>
      </div>
      <form
        ref={form}
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <textarea
          ref={inputRef}
          class="input"
          rows={1}
          value={text}
          maxLength={2000}
          placeholder={v.askPlaceholder}
          aria-label={v.askLabel}
          data-testid="composer-input"
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" class="send" aria-label={s.send} data-testid="send" disabled={!body || streaming}>
          <SendIcon />
        </button>
      </form>
    </>
  );
}

/** The answer as it streams in (its stored message replaces it when done), or "…" while the AI starts. */
export function StreamingAnswer({ model }: { model: WidgetModel }) {
  const answer = model.ai.value?.answer.value;
  const live = answer && !answer.done;
  const ref = useRef<HTMLDivElement>(null);
  // Follow the growing answer (the list follows new messages, not text growing in one).
  useLayoutEffect(() => {
    const list = ref.current?.parentElement;
    if (list) list.scrollTop = list.scrollHeight;
  }, [answer?.text]);
  const { s } = useText();
  if (!live && !model.thinking.value) return null;
  return (
    <div ref={ref} class="msg" data-testid="ai-answer" data-sender="ai" aria-busy="true">
      <span class="sender">{s.assistant}</span>
      <div class={`bubble${live && answer.text ? '' : ' thinking'}`}>{live && answer.text ? formatMessage(answer.text) : '…'}</div>
    </div>
  );
}

/** Where a citation's link points: relative to the host page (`/help/<id>` on the tenant's site); only http(s). */
function linkOf(url: string, page: string): string | undefined {
  try {
    const href = new URL(url, page);
    return /^https?:$/.test(href.protocol) ? href.href : undefined;
  } catch {
    return undefined;
  }
}

/** The knowledge articles an AI answer quotes, as links. */
export function AiSources({ message }: { message: ChatMessage }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useChunkStyles(ref, CSS);
  const { v } = useViewText();
  const citations = (message.metadata?.ai as AiMessageMetadata | undefined)?.citations ?? [];
  const page = ref.current?.ownerDocument.baseURI ?? globalThis.document?.baseURI;
  const links = citations.flatMap((c) => {
    const href = page && linkOf(c.url, page);
    return href ? [{ href, title: c.title, id: c.articleId }] : [];
  });
  if (links.length === 0) return <p ref={ref} hidden />;
  return (
    <p ref={ref} class="sources" data-testid="ai-sources">
      {v.sources}
      {links.map((l) => (
        <a key={l.id} href={l.href} target="_blank" rel="noopener noreferrer" data-testid="ai-source">
          {l.title}
        </a>
      ))}
    </p>
  );
}
