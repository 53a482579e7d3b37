/** One conversation: who it is with, actions, messages (newest at the bottom) and the reply box. */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
// The same formatting the visitor sees in the widget (links, bold, code; never HTML).
import { formatMessage } from '../../../widget/app/format.ts';
import type { Desk } from '../desk.ts';
import { shortTime, visitorName } from './names.ts';

export function ConversationView({ desk }: { desk: Desk }) {
  const conversation = desk.selected.value;
  const messages = desk.messages.value;
  const me = desk.me.value;
  const list = useRef<HTMLOListElement>(null);
  const [text, setText] = useState('');

  useLayoutEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages, conversation?.conversationId]);

  if (!conversation) return <section class="view empty">Pick a conversation on the left.</section>;
  const closed = conversation.status === 'closed';
  const mine = Boolean(me && conversation.assignedAgentId === me.agentId);

  const send = async () => {
    const body = text.trim();
    if (!body) return;
    if (await desk.reply(body)) setText('');
  };

  return (
    <section class="view" aria-label={`Conversation with ${visitorName(conversation)}`}>
      <header class="view-head">
        <h2>{visitorName(conversation)}</h2>
        <span class="tag">{conversation.status}</span>
        {conversation.assignedAgentName && <span class="muted">Assigned to {conversation.assignedAgentName}</span>}
        <span class="spacer" />
        <button type="button" disabled={closed || mine} onClick={() => void desk.assignToMe()} data-testid="assign-to-me">
          {mine ? 'Assigned to you' : 'Assign to me'}
        </button>
        <button type="button" disabled={closed} onClick={() => void desk.close()} data-testid="close-conversation">
          Close
        </button>
      </header>
      <ol class="messages" ref={list} aria-live="polite">
        {messages.map((m) => (
          <li key={m.messageId} class={`message from-${m.senderType}`} data-testid="message" data-sender={m.senderType}>
            <span class="who">
              {m.senderType === 'visitor' ? visitorName(conversation) : (m.senderName ?? m.senderType)} · {shortTime(m.sentAt)}
            </span>
            <span class="body">{formatMessage(m.body)}</span>
          </li>
        ))}
      </ol>
      <form
        class="reply"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <textarea
          value={text}
          rows={2}
          disabled={closed}
          placeholder={closed ? 'This conversation is closed.' : 'Reply… (Enter sends, Shift+Enter for a new line)'}
          aria-label="Reply"
          data-testid="reply-input"
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <button type="submit" disabled={closed || !text.trim()} data-testid="reply-send">
          Send
        </button>
      </form>
    </section>
  );
}
