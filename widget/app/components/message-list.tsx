/**
 * The conversation: the tenant's greeting, then every message oldest first. Follows the newest
 * message while the visitor is at the bottom (or just sent one), leaves the scroll alone while
 * they read back, and reads earlier pages when they scroll near the top, keeping what they
 * look at in place. Past `WINDOW_FROM` messages a lazily loaded windowing takes over
 * (`list-windowing.ts`): it renders a bounded window that moves as the visitor scrolls, so a
 * conversation of 10,000 messages costs what one of 150 does, and the first chunk stays small.
 * Screen readers hear new messages from others only (a separate live region),
 * not a page of history: each one as a node added to the region, so two equal replies ("OK") are
 * both heard, and so is every message of a burst.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../../src/types.ts';
import { useText } from '../i18n/context.ts';
import type { CoreText } from '../i18n/en.ts';
import type { WidgetModel } from '../model.ts';
import { lazy } from '../lazy.tsx';
import { MessageBubble } from './message-bubble.tsx';
import type { Windowing } from './list-windowing.ts';

const StreamingAnswer = lazy(() => import('../ai/ai-mode.tsx').then((m) => m.StreamingAnswer));

// How close to the bottom still counts as "at the bottom", in CSS pixels.
const STICKY_PX = 48;
// How close to the top starts reading the previous page.
const OLDER_PX = 120;
// Messages held before the windowing is loaded (short conversations never need it).
const WINDOW_FROM = 200;
// Announcements kept in the live region (older ones are dropped; they were heard).
const KEEP = 5;

const spoken = (m: ChatMessage, s: CoreText) => `${m.senderName ?? (m.senderType === 'ai' ? s.assistant : s.agent)}: ${m.body || (m.attachment ? m.attachment.name : '')}`;

export function MessageList({ model }: { model: WidgetModel }) {
  const { conversation } = model.runtime;
  const messages = conversation.messages.value;
  const loading = conversation.loading.value;
  const greeting = model.runtime.bootstrap.value?.branding?.greeting;
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // Distance from the bottom to keep while an older page is prepended.
  const anchor = useRef<number | null>(null);
  const lastKey = useRef('');
  const [announced, setAnnounced] = useState<{ key: string; text: string }[]>([]);
  const { s } = useText();
  const windowing = useRef<Windowing>();
  const [, redraw] = useState(0);
  const [start, end] = windowing.current?.range(messages) ?? [0, messages.length];

  useLayoutEffect(() => {
    const el = list.current;
    const last = messages[messages.length - 1];
    if (el && windowing.current) {
      windowing.current.settle(el, messages, atBottom.current);
    } else if (el && anchor.current !== null) {
      el.scrollTop = el.scrollHeight - anchor.current;
    } else if (el && (atBottom.current || last?.senderType === 'visitor')) {
      el.scrollTop = el.scrollHeight;
    }
    // Messages from others after the last one seen (not the history loaded into an empty list,
    // not a page of older ones); when that one is gone (another conversation shows), only the newest.
    if (last && lastKey.current && last.key !== lastKey.current) {
      let from = messages.findIndex((m) => m.key === lastKey.current) + 1;
      if (from === 0) from = messages.length - 1;
      const fresh = messages.slice(from).filter((m) => m.senderType !== 'visitor');
      if (fresh.length) setAnnounced((shown) => [...shown, ...fresh.map((m) => ({ key: m.key, text: spoken(m, s) }))].slice(-KEEP));
    }
    lastKey.current = last?.key ?? '';
    if (el && messages.length > WINDOW_FROM && !windowing.current) {
      import('./list-windowing.ts').then(
        (m) => {
          windowing.current ??= m.createWindowing(el, conversation.messages.value, atBottom.current, () => redraw((n) => n + 1));
          redraw((n) => n + 1);
        },
        // Not loaded (offline): every message stays rendered, and the next change tries again.
        () => undefined,
      );
    }
  }, [messages, start, end]);

  const onScroll = () => {
    const el = list.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
    if (windowing.current) windowing.current.scrolled(el, atBottom.current, conversation);
    else if (el.scrollTop < OLDER_PX && anchor.current === null && conversation.hasOlder.value) {
      anchor.current = el.scrollHeight - el.scrollTop;
      conversation
        .loadOlder()
        .catch(() => undefined)
        // One frame after the page rendered, follow the visitor's scrolling again.
        .finally(() => requestAnimationFrame(() => (anchor.current = null)));
    }
  };
  const retry = (key: string) => {
    // A failed retry shows as the message's state; nothing else to report here.
    conversation.retry(key).catch(() => undefined);
  };

  return (
    <>
      <div ref={list} class="list" role="log" aria-live="off" aria-label={s.messages} tabIndex={0} data-testid="message-list" onScroll={onScroll}>
        {greeting && !start && !conversation.hasOlder.value && <p class="greeting">{greeting}</p>}
        {loading && <p class="meta center">{s.loadingMessages}</p>}
        {messages.slice(start, end).map((message) => (
          <MessageBubble key={message.key} message={message} model={model} onRetry={retry} />
        ))}
        {model.ai.value && end === messages.length && <StreamingAnswer model={model} />}
      </div>
      <div class="sr-only" aria-live="polite" aria-relevant="additions" data-testid="announcer">
        {announced.map((a) => (
          <p key={a.key}>{a.text}</p>
        ))}
      </div>
    </>
  );
}
