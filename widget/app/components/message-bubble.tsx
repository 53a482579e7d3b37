/**
 * One message: the visitor's own on the right with ticks (sent ✓, delivered ✓✓, read ✓✓ in
 * colour) and a small menu to edit or delete it (`message-options.tsx`, a lazily loaded chunk),
 * others on the left. Text is drawn here; other bodies come from a lazily loaded chunk
 * (`rich-body.tsx`): a file with its upload progress, a rating, a location, the placeholder of
 * a deleted message.
 */
import { useState } from 'preact/hooks';
import type { ChatMessage, MessageState } from '../../../src/types.ts';
import { formatMessage } from '../../format.ts';
import { lazy } from '../lazy.tsx';
import type { WidgetModel } from '../model.ts';

const MessageOptions = lazy(() => import('./message-options.tsx').then((m) => m.MessageOptions));
const MessageEditor = lazy(() => import('./message-actions.tsx').then((m) => m.MessageEditor));
// The articles an AI answer quotes (AI mode's chunk).
const AiSources = lazy(() => import('../ai/ai-mode.tsx').then((m) => m.AiSources));
// A call in the conversation: a line with an icon (the call chunk).
const CallEvent = lazy(() => import('../call/call-event.tsx').then((m) => m.CallEvent));
// Files, ratings, locations and deleted messages: until their chunk is there, their words plainly.
const RichBody = lazy(
  () => import('./rich-body.tsx').then((m) => m.RichBody),
  ({ message }) => (
    <div class="bubble">{message.deleted ? 'Message deleted' : (message.upload?.name ?? message.attachment?.name ?? message.body)}</div>
  ),
);

const STATE_TEXT: Record<MessageState, string> = {
  sending: 'Sending…',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: 'Not sent.',
};
const STATE_LABEL: Partial<Record<MessageState, string>> = { sent: 'Sent', delivered: 'Delivered', read: 'Read' };

const DEFAULT_NAME: Partial<Record<ChatMessage['senderType'], string>> = { agent: 'Agent', ai: 'Assistant' };

const time = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
};

export interface MessageBubbleProps {
  message: ChatMessage;
  model: WidgetModel;
  onRetry(key: string): void;
}

export function MessageBubble({ message, model, onRetry }: MessageBubbleProps) {
  const [editing, setEditing] = useState(false);
  const { state, deleted } = message;
  const own = message.senderType === 'visitor';
  const system = message.senderType === 'system';
  const name = own || system ? undefined : (message.senderName ?? DEFAULT_NAME[message.senderType]);
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
          {time(message.sentAt)}
          {message.editedAt && !deleted && ' · edited'}
          {own && (
            <>
              {' · '}
              <span class={`ticks ${state}`} aria-label={STATE_LABEL[state]} data-testid="ticks">
                {STATE_TEXT[state]}
              </span>
            </>
          )}
          {failed && message.error && !message.upload && <span class="why"> {message.error.message}</span>}
          {/* A file the server refused (type, size) fails the same way again: Remove instead of Retry. */}
          {failed && !refusedUpload && (
            <button type="button" class="retry" data-testid="retry" onClick={() => onRetry(message.key)}>
              Retry
            </button>
          )}
          {refusedUpload && (
            <button type="button" class="retry" data-testid="upload-remove" onClick={() => model.cancelUpload(message.key)}>
              Remove
            </button>
          )}
        </span>
      )}
    </div>
  );
}

function Body({ message, model }: { message: ChatMessage; model: WidgetModel }) {
  const { upload, attachment, body, messageType } = message;
  if (messageType === 'call') return <CallEvent message={message} />;
  if (message.deleted || upload || attachment || messageType === 'rating' || messageType === 'location') return <RichBody message={message} model={model} />;
  return <div class="bubble">{body && formatMessage(body)}</div>;
}
