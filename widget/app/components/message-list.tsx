/**
 * The conversation: the tenant's greeting, then every message oldest first. Follows the newest
 * message while the visitor is at the bottom (or just sent one), and leaves the scroll alone
 * while they read back.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { WidgetModel } from '../model.ts';
import { MessageBubble } from './message-bubble.tsx';

// How close to the bottom still counts as "at the bottom", in CSS pixels.
const STICKY_PX = 48;

export function MessageList({ model }: { model: WidgetModel }) {
  const { runtime } = model;
  const messages = runtime.conversation.messages.value;
  const loading = runtime.conversation.loading.value;
  const greeting = runtime.bootstrap.value?.branding?.greeting;
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = list.current;
    if (el && (atBottom.current || messages[messages.length - 1]?.senderType === 'visitor')) {
      el.scrollTop = el.scrollHeight;
    }
  }, [messages]);

  const onScroll = () => {
    const el = list.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  };
  const retry = (key: string) => {
    // A failed retry shows as the message's state; nothing else to report here.
    runtime.conversation.retry(key).catch(() => undefined);
  };

  return (
    <div ref={list} class="list" role="log" aria-live="polite" aria-label="Messages" data-testid="message-list" onScroll={onScroll}>
      {greeting && <p class="greeting">{greeting}</p>}
      {loading && messages.length === 0 && <p class="meta">Loading messages…</p>}
      {messages.map((message) => (
        <MessageBubble key={message.key} message={message} onRetry={retry} />
      ))}
    </div>
  );
}
