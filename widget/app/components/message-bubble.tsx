/**
 * One message: the visitor's own on the right with ticks (sent ✓, delivered ✓✓, read ✓✓ in
 * colour) and a small menu to edit or delete it, others on the left. The body is drawn by
 * message type: text, a file (with upload progress while it goes up), a location, a rating,
 * or the placeholder of a deleted message.
 */
import { useState } from 'preact/hooks';
import type { ChatMessage, MessageState } from '../../../src/types.ts';
import { formatMessage, safeHref } from '../../format.ts';
import { lazy } from '../lazy.tsx';
import type { WidgetModel } from '../model.ts';
import { Attachment, FileCard } from './attachment.tsx';
import { MoreIcon } from './icons.tsx';

const MessageMenu = lazy(() => import('./message-actions.tsx').then((m) => m.MessageMenu));
const MessageEditor = lazy(() => import('./message-actions.tsx').then((m) => m.MessageEditor));

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
  const [menu, setMenu] = useState(false);
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
    own && !deleted && !model.runtime.conversation.closed.value && message.seq !== undefined && !failed &&
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
          <span class="menu-anchor">
            <button
              type="button"
              class="more"
              aria-label="Message options"
              aria-haspopup="menu"
              aria-expanded={menu}
              data-testid="message-menu"
              onClick={() => setMenu(!menu)}
            >
              <MoreIcon />
            </button>
            {menu && (
              <MessageMenu
                model={model}
                message={message}
                onClose={() => setMenu(false)}
                onEdit={message.messageType === 'text' ? () => setEditing(true) : undefined}
              />
            )}
          </span>
        )}
        {editing ? <MessageEditor model={model} message={message} onDone={() => setEditing(false)} /> : <Body message={message} model={model} />}
      </div>
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
  const { metadata: meta, upload, attachment, body } = message;
  if (message.deleted) return <div class="bubble deleted">Message deleted</div>;
  if (upload) {
    const failed = message.state === 'failed';
    return (
      <div class="bubble">
        <FileCard name={upload.name} size={upload.file.size} />
        {failed ? (
          <span class="upload-error" role="alert">
            {message.error?.message ?? 'The upload failed.'}
          </span>
        ) : (
          <span class="upload">
            <progress max={1} value={upload.progress} aria-label={`Uploading ${upload.name}`} data-testid="upload-progress" />
            <button type="button" class="link" data-testid="upload-cancel" onClick={() => model.cancelUpload(message.key)}>
              Cancel
            </button>
          </span>
        )}
      </div>
    );
  }
  if (message.messageType === 'rating') {
    const stars = Number(meta?.rating) || 0;
    return (
      <div class="bubble">
        <span class="stars" aria-label={`Rated ${stars} out of 5`}>
          {'★'.repeat(stars) + '☆'.repeat(5 - stars)}
        </span>
        {body && <div>{body}</div>}
      </div>
    );
  }
  if (message.messageType === 'location') {
    const { latitude: lat, longitude: lon, label } = (meta ?? {}) as { latitude?: number; longitude?: number; label?: string };
    const href = safeHref(`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`);
    return (
      <div class="bubble">
        {href && (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {label || 'Open the location on a map'}
          </a>
        )}
        {body && <div>{formatMessage(body)}</div>}
      </div>
    );
  }
  return (
    <div class={`bubble${attachment ? ' has-file' : ''}`}>
      {attachment && <Attachment file={attachment} model={model} />}
      {body && (attachment ? <div class="caption">{formatMessage(body)}</div> : formatMessage(body))}
    </div>
  );
}
