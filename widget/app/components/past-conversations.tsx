/**
 * The visitor's past conversations (a lazily loaded chunk): newest first, the open one to
 * continue, closed ones to read back. Opening one shows it in the panel; a closed one is
 * read-only with "Start a new conversation" under it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conversation } from '../../../src/index.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { formatDateTime } from '../../format.ts';
import { useText } from '../i18n/context.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';

export function PastConversations({ model }: { model: WidgetModel }) {
  const { runtime } = model;
  const [list, setList] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = runtime.conversation.id.value;
  const root = useRef<HTMLElement>(null);
  useChunkStyles(root, CSS);
  const { s } = useText();
  const { v, lang } = useViewText();

  useEffect(() => {
    runtime.conversations.list().then(setList, (failure: { message?: string }) => setError(failure.message ?? v.loadFailed));
  }, []);

  const open = (id: string) => {
    model.view.value = 'chat';
    if (id !== current) runtime.conversations.open(id).catch(() => undefined);
  };

  return (
    <section ref={root} class="past" aria-label={s.pastConversations} data-testid="past-list">
      <h3 class="past-title">{v.yourConversations}</h3>
      {error && <p class="upload-error">{error}</p>}
      {!list && !error && <p class="meta center">{v.loading}</p>}
      {list?.length === 0 && <p class="meta center">{v.noConversations}</p>}
      <ul>
        {list?.map((c) => {
          const open_ = c.status !== 'closed';
          return (
            <li key={c.conversationId}>
              <button type="button" class="past-item" data-testid="past-item" data-status={c.status} onClick={() => open(c.conversationId)}>
                <span class="past-row">
                  <strong>{open_ ? v.openConversation : v.endedConversation}</strong>
                  <span class="meta">{formatDateTime(c.lastMessageAt ?? c.createdAt, lang)}</span>
                </span>
                <span class="preview">{c.lastMessagePreview || v.noMessages}</span>
                <span class="meta">
                  {open_ ? v.continue : v.readBack}
                  {c.rating !== undefined && ` · ${v.ratedStars(c.rating)}`}
                  {c.conversationId === current && ` · ${v.shownNow}`}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** This chunk's styles (adopted when it first renders). */
const CSS = `
.past{flex:1;overflow-y:auto;padding:8px 12px}
.past-title{margin:6px 4px 10px;font-size:14px;color:var(--rn-muted);font-weight:600}
.past ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
.past-item{display:flex;flex-direction:column;gap:2px;width:100%;padding:10px 12px;border:1px solid var(--rn-line);border-radius:10px;background:var(--rn-bg);text-align:start;cursor:pointer}
.past-item:hover{border-color:var(--rn-ink)}
.past-row{display:flex;justify-content:space-between;gap:8px}
.preview{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
`;
