/**
 * Shown instead of the composer once the conversation has ended: says so, offers a rating (a
 * lazily loaded form, while the conversation is not rated yet) and a fresh start. Starting a new
 * conversation never drops the old one: it stays under past conversations.
 */
import { lazy } from '../lazy.tsx';
import type { WidgetModel } from '../model.ts';

const RatingForm = lazy(() => import('./rating-form.tsx').then((m) => m.RatingForm));

export function Ended({ model }: { model: WidgetModel }) {
  const { conversation } = model.runtime;
  const info = conversation.info.value;
  const rated = info?.rating;
  return (
    <div class="ended" data-testid="ended">
      <p class="ended-title">This conversation has ended</p>
      {info && rated === undefined && <RatingForm model={model} />}
      {rated !== undefined && <p class="meta">You rated this conversation {rated} out of 5. Thank you!</p>}
      <button
        type="button"
        class="primary"
        data-testid="new-conversation"
        onClick={() => {
          model.notice.value = null;
          conversation.startNew().catch(() => undefined);
        }}
      >
        Start a new conversation
      </button>
    </div>
  );
}
