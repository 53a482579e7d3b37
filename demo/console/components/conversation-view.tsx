/**
 * One conversation: who it is with, actions (a call link among them), messages (newest at the
 * bottom, the AI's answers, its handoff note and call events included), the AI's suggested reply
 * and the reply box.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Assistant } from '../assistant.ts';
import type { Desk } from '../desk.ts';
import { CallEvent, isCallEvent } from './call-event.tsx';
import { CallLinkButton } from './call-link-button.tsx';
import { HandoffBadge } from './handoff-badge.tsx';
import { MessageItem } from './message-item.tsx';
import { visitorName } from './names.ts';
import { type Insertion, ReplyBox } from './reply-box.tsx';
import { SuggestionBox } from './suggestion-box.tsx';
import { VisitorPage } from './visitor-page.tsx';

export function ConversationView({ desk, assistant }: { desk: Desk; assistant: Assistant }) {
  const [insertion, setInsertion] = useState<Insertion | null>(null);
  const conversation = desk.selected.value;
  const messages = desk.messages.value;
  const me = desk.me.value;
  const typing = desk.visitorTyping.value;
  const list = useRef<HTMLOListElement>(null);

  useLayoutEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, typing, conversation?.conversationId]);

  // The suggestion box coming and going resizes the list: an agent reading the newest messages
  // keeps seeing them (one scrolled up into history stays where they are).
  useEffect(() => {
    const el = list.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let atBottom = true;
    const onScroll = () => (atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24);
    const observer = new ResizeObserver(() => {
      if (atBottom) el.scrollTop = el.scrollHeight;
    });
    el.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(el);
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, [conversation?.conversationId]);

  if (!conversation) return <section class="view empty">Pick a conversation on the left.</section>;
  const closed = conversation.status === 'closed';
  const mine = Boolean(me && conversation.assignedAgentId === me.agentId);
  const name = visitorName(conversation);
  const handoff = assistant.handedOff.value.get(conversation.conversationId);

  return (
    <section class="view" aria-label={`Conversation with ${name}`}>
      <header class="view-head">
        <div class="identity">
          <h2>{name}</h2>
          <span class="muted" data-testid="visitor-identity">
            {conversation.visitorEmail && <span>{conversation.visitorEmail} </span>}
            {conversation.visitorVerified ? (
              <span class="tag verified">verified</span>
            ) : (
              (conversation.visitorName || conversation.visitorEmail) && (
                <span class="tag unverified" title="Given by the visitor, not confirmed by the website">
                  unverified
                </span>
              )
            )}
          </span>
          <VisitorPage conversation={conversation} />
        </div>
        <span class="tag">{conversation.status}</span>
        {handoff && <HandoffBadge reason={handoff} />}
        {conversation.rating !== undefined && <span class="tag">★ {conversation.rating}/5</span>}
        {conversation.assignedAgentName && <span class="muted">Assigned to {conversation.assignedAgentName}</span>}
        <span class="spacer" />
        <CallLinkButton desk={desk} disabled={closed} />
        <button type="button" disabled={closed || mine} onClick={() => void desk.assignToMe()} data-testid="assign-to-me">
          {mine ? 'Assigned to you' : 'Assign to me'}
        </button>
        <button type="button" disabled={closed} onClick={() => void desk.close()} data-testid="close-conversation">
          Close
        </button>
      </header>
      <ol class="messages" ref={list} aria-live="polite" aria-relevant="additions">
        {messages.map((m) =>
          isCallEvent(m) ? (
            <CallEvent key={m.messageId} message={m} />
          ) : (
            <MessageItem
              key={m.messageId}
              message={m}
              conversation={conversation}
              state={m.senderType === 'agent' || m.senderType === 'ai' ? desk.stateOf(m) : undefined}
              own={!closed && Boolean(me && m.senderType === 'agent' && m.senderAgentId === me.agentId)}
              onEdit={(body) => desk.edit(m.messageId, body)}
              onDelete={() => desk.remove(m.messageId)}
            />
          ),
        )}
      </ol>
      <p class="typing" aria-live="polite" data-testid={typing ? 'typing' : undefined}>
        {typing ? `${name} is typing…` : ''}
      </p>
      {!closed && <SuggestionBox assistant={assistant} onInsert={(text) => setInsertion({ text, n: (insertion?.n ?? 0) + 1 })} />}
      <ReplyBox desk={desk} closed={closed} insertion={insertion} />
    </section>
  );
}
