/** One message: the visitor's own on the right with its delivery state, others on the left. */
import type { ChatMessage, MessageState } from '../../../src/types.ts';
import { formatMessage } from '../format.ts';

const STATE_TEXT: Record<MessageState, string> = {
  sending: 'Sending…',
  sent: 'Sent ✓',
  delivered: 'Delivered ✓✓',
  read: 'Read ✓✓',
  failed: 'Not sent.',
};

const DEFAULT_NAME: Partial<Record<ChatMessage['senderType'], string>> = { agent: 'Agent', ai: 'Assistant' };

const time = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
};

export interface MessageBubbleProps {
  message: ChatMessage;
  onRetry(key: string): void;
}

export function MessageBubble({ message, onRetry }: MessageBubbleProps) {
  const own = message.senderType === 'visitor';
  const system = message.senderType === 'system';
  const name = own || system ? undefined : (message.senderName ?? DEFAULT_NAME[message.senderType]);
  const failed = message.state === 'failed';
  return (
    <div
      class={`msg${own ? ' own' : ''}${system ? ' system' : ''}${failed ? ' failed' : ''}`}
      data-testid="message"
      data-sender={message.senderType}
      data-state={message.state}
    >
      {name && <span class="sender">{name}</span>}
      <div class="bubble">{formatMessage(message.body)}</div>
      {!system && (
        <span class="meta">
          {own ? `${time(message.sentAt)} · ${STATE_TEXT[message.state]}` : time(message.sentAt)}
          {failed && (
            <button type="button" class="retry" data-testid="retry" onClick={() => onRetry(message.key)}>
              Retry
            </button>
          )}
        </span>
      )}
    </div>
  );
}

