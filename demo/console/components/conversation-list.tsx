/** Conversations (open, closed or all), latest activity first, with unread counts and a badge on those the AI handed over. */
import type { ConversationFilter } from '../api.ts';
import type { Assistant } from '../assistant.ts';
import type { Desk } from '../desk.ts';
import { HandoffBadge } from './handoff-badge.tsx';
import { shortTime, visitorName } from './names.ts';
import { previewText } from './call-link-message.tsx';

const FILTERS: [ConversationFilter, string][] = [
  ['open', 'Open'],
  ['closed', 'Closed'],
  ['all', 'All'],
];

export function ConversationList({ desk, assistant }: { desk: Desk; assistant: Assistant }) {
  const conversations = desk.conversations.value;
  const handedOff = assistant.handedOff.value;
  const unread = desk.unread.value;
  const selected = desk.selected.value?.conversationId;
  return (
    <nav class="list" aria-label="Conversations">
      <div class="filters" role="group" aria-label="Show">
        {FILTERS.map(([value, label]) => (
          <button
            key={value}
            type="button"
            class={desk.filter.value === value ? 'on' : undefined}
            aria-pressed={desk.filter.value === value}
            data-testid={`filter-${value}`}
            onClick={() => desk.setFilter(value)}
          >
            {label}
          </button>
        ))}
      </div>
      {conversations.length === 0 && (
        <p class="empty">{desk.filter.value === 'closed' ? 'No closed conversations.' : 'No open conversations yet. Say hello from the demo site.'}</p>
      )}
      <ul>
        {conversations.map((c) => {
          const count = unread[c.conversationId] ?? 0;
          return (
            <li key={c.conversationId}>
              <button
                type="button"
                class={`item${c.conversationId === selected ? ' selected' : ''}${count ? ' unread' : ''}`}
                aria-current={c.conversationId === selected}
                data-testid="conversation-item"
                onClick={() => desk.select(c.conversationId)}
              >
                <span class="row">
                  <span class="name">{visitorName(c)}</span>
                  {handedOff.has(c.conversationId) && <HandoffBadge reason={handedOff.get(c.conversationId)!} />}
                  <span class="time">{shortTime(c.lastMessageAt ?? c.createdAt)}</span>
                </span>
                <span class="row">
                  <span class="preview">{previewText(c.lastMessagePreview ?? '')}</span>
                  {count > 0 && (
                    <span class="count" aria-label={`${count} unread`}>
                      {count}
                    </span>
                  )}
                </span>
                {c.status === 'closed' && (
                  <span class="tag">closed{c.rating !== undefined ? ` · ★ ${c.rating}/5` : ''}</span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
