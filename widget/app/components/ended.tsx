/**
 * Shown instead of the composer once the conversation has ended (a lazily loaded chunk, with its
 * styles): says so, offers a rating (while the conversation is not rated yet)
 * and a fresh start. For a conversation of another device (`readOnly`) it says it can only be
 * read here, with no rating, and the way back to this device's conversation. Starting a new conversation never drops the old one: it stays under past
 * conversations.
 */
import { useRef } from 'preact/hooks';
import { PRIMARY_CSS, useChunkStyles } from '../chunk-styles.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';
// In this chunk, not one of its own: an ended conversation nearly always asks for a rating.
import { RatingForm } from './rating-form.tsx';

export function Ended({ model, readOnly = false }: { model: WidgetModel; readOnly?: boolean }) {
  const root = useRef<HTMLDivElement>(null);
  useChunkStyles(root, PRIMARY_CSS);
  useChunkStyles(root, CSS);
  const { conversation } = model.runtime;
  const info = conversation.info.value;
  const rated = info?.rating;
  const { v } = useViewText();
  return (
    <div ref={root} class="ended" data-testid={readOnly ? 'read-only' : 'ended'}>
      {readOnly ? (
        <p class="meta center">{v.readOnly}</p>
      ) : (
        <>
          <p class="ended-title">{v.ended}</p>
          {info && rated === undefined && <RatingForm model={model} />}
          {rated !== undefined && <p class="meta">{v.youRated(rated)}</p>}
        </>
      )}
      <button
        type="button"
        class="primary"
        data-testid="new-conversation"
        onClick={() => {
          model.notice.value = null;
          conversation.startNew().catch(() => undefined);
        }}
      >
        {readOnly ? v.backToMine : v.startNew}
      </button>
    </div>
  );
}

const CSS = `
.ended{display:flex;flex-direction:column;gap:10px;padding:14px;border-top:1px solid var(--rn-line)}
.ended-title{margin:0;font-weight:650;text-align:center}
`;
