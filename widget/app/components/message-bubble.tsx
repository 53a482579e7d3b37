/**
 * One message: the visitor's own on the right with ticks (sent ✓, delivered ✓✓, read ✓✓ in
 * colour) and a small menu to edit or delete it (`message-options.tsx`, a lazily loaded chunk),
 * others on the left. Text is drawn here; other bodies come from a lazily loaded chunk
 * (`rich-body.tsx`): a file with its upload progress, a rating, a location, the placeholder of
 * a deleted message.
 */
import { useState } from 'preact/hooks';
import type { ChatMessage, MessageState } from '../../../src/types.ts';
import { formatMessage, formatTime } from '../../format.ts';
import { useText } from '../i18n/context.ts';
import { lazy } from '../lazy.tsx';
import type { WidgetModel } from '../model.ts';

const MessageOptions = lazy(() => import('./message-options.tsx').then((m) => m.MessageOptions));
const MessageEditor = lazy(() => import('./message-actions.tsx').then((m) => m.MessageEditor));
// The articles an AI answer quotes (AI mode's chunk).
const AiSources = lazy(() => import('../ai/ai-mode.tsx').then((m) => m.AiSources));
// A call in the conversation: a line with an icon (the call chunk).
const CallEvent = lazy(() => import('../call/call-event.tsx').then((m) => m.CallEvent));
// Why a message was not sent, in the widget's words (rare: with the rich bodies' chunk).
const Why = lazy(() => import('./rich-body.tsx').then((m) => m.Why));
// Files, ratings, locations and deleted messages: until their chunk is there, their words plainly.
const RichBody = lazy(
  () => import('./rich-body.tsx').then((m) => m.RichBody),
  ({ message }) => <PlainBody message={message} />,
);

function PlainBody({ message }: { message: ChatMessage }) {
  const { s } = useText();
  return <div class="bubble">{message.deleted ? s.messageDeleted : (message.upload?.name ?? message.attachment?.name ?? message.body)}</div>;
}

// Ticks are symbols, the same in every language; their label is a word.
const TICKS: Partial<Record<MessageState, string>> = { sent: '✓', delivered: '✓✓', read: '✓✓' };

export interface MessageBubbleProps {
  message: ChatMessage;
  model: WidgetModel;
  onRetry(key: string): void;
}

export function MessageBubble({ message, model, onRetry }: MessageBubbleProps) {
  const [editing, setEditing] = useState(false);
  const { s, lang } = useText();
  const { state, deleted } = message;
  const own = message.senderType === 'visitor';
  const system = message.senderType === 'system';
  const name = own || system ? undefined : (message.senderName ?? (message.senderType === 'ai' ? s.assistant : message.senderType === 'agent' ? s.agent : undefined));
  const failed = state === 'failed';
  const refusedUpload = failed && !!message.upload && message.error?.retryable === false;
  const editWindow = model.runtime.bootstrap.value?.sdk?.editWindowSeconds;
  // Own confirmed messages, within the tenant's window (the server checks it again).
  const changeable =
    own && !deleted && !model.runtime.conversation.closed.value && !model.runtime.conversation.readOnly.value && message.seq !== undefined && !failed &&
    (editWindow === undefined || Date.now() - Date.parse(message.sentAt) < editWindow * 1000);

  return (
    <div
      class={`msg${own ? ' own' : ''}${system ? ' system' : ''}${failed ? ' failed' : ''}`}
      data-testid="message"
      data-sender={message.senderType}
      data-state={state}
      data-type={message.messageType}
      data-deleted={deleted ? '' : undefined}
    >
      {name && <span class="sender">{name}</span>}
      <div class="row">
        {changeable && (
          <MessageOptions model={model} message={message} onEdit={message.messageType === 'text' ? () => setEditing(true) : undefined} />
        )}
        {editing ? <MessageEditor model={model} message={message} onDone={() => setEditing(false)} /> : <Body message={message} model={model} />}
      </div>
      {message.senderType === 'ai' && <AiSources message={message} />}
      {!system && (
        <span class="meta">
          {formatTime(message.sentAt, lang)}
          {message.editedAt && !deleted && ` · ${s.edited}`}
          {own && (
            <>
              {' · '}
              <span class={`ticks ${state}`} data-testid="ticks">
                {state === 'sending' ? s.sending : state === 'failed' ? s.notSent : <Tick state={state} label={s[state]} />}
              </span>
            </>
          )}
          {failed && message.error && !message.upload && <Why error={message.error} />}
          {/* A file the server refused (type, size) fails the same way again: Remove instead of Retry. */}
          {failed && !refusedUpload && (
            <button type="button" class="retry" data-testid="retry" onClick={() => onRetry(message.key)}>
              {s.retry}
            </button>
          )}
          {refusedUpload && (
            <button type="button" class="retry" data-testid="upload-remove" onClick={() => model.cancelUpload(message.key)}>
              {s.remove}
            </button>
          )}
        </span>
      )}
    </div>
  );
}

/** ✓ / ✓✓ drawn, the word read: `aria-label` on a plain span is not reliably spoken (and axe flags it). */
function Tick({ state, label }: { state: MessageState; label: string }) {
  return (
    <>
      <span aria-hidden="true">{TICKS[state]}</span>
      <span class="sr-only">{label}</span>
    </>
  );
}

function Body({ message, model }: { message: ChatMessage; model: WidgetModel }) {
  const { upload, attachment, body, messageType } = message;
  if (messageType === 'call') return <CallEvent message={message} />;
  if (message.deleted || upload || attachment || messageType === 'rating' || messageType === 'location') return <RichBody message={message} model={model} />;
  return <div class="bubble">{body && formatMessage(body)}</div>;
}
