/**
 * The 1–5 star rating of an ended conversation with an optional comment (a lazily loaded
 * chunk). Stars are native radio buttons, so arrows, Tab and screen readers work as usual.
 */
import { useRef, useState } from 'preact/hooks';
import type { Rating } from '../../../src/types.ts';
import { PRIMARY_CSS, useChunkStyles } from '../chunk-styles.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';

const STARS: Rating[] = [1, 2, 3, 4, 5];

export function RatingForm({ model }: { model: WidgetModel }) {
  const [rating, setRating] = useState<Rating | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useChunkStyles(form, PRIMARY_CSS);
  useChunkStyles(form, CSS);
  const [error, setError] = useState<string | null>(null);
  const { v } = useViewText();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!rating) return;
    setBusy(true);
    setError(null);
    try {
      await model.runtime.conversation.rate(rating, comment.trim() || undefined);
    } catch (failure) {
      setError((failure as { message?: string }).message ?? v.ratingFailed);
      setBusy(false);
    }
  };

  return (
    <form ref={form} class="rating" data-testid="rating" onSubmit={submit}>
      <fieldset>
        <legend>{v.howWasIt}</legend>
        <span class="stars-input">
          {STARS.map((n) => (
            <label key={n} class={rating !== null && n <= rating ? 'on' : undefined} data-testid={`rating-${n}`}>
              <input type="radio" name="rn-rating" class="sr-only" value={n} checked={rating === n} onChange={() => setRating(n)} />
              <span aria-hidden="true">★</span>
              <span class="sr-only">{v.starLabel(n, v.stars[n - 1] ?? '')}</span>
            </label>
          ))}
        </span>
      </fieldset>
      {rating !== null && (
        <textarea
          class="input"
          rows={2}
          maxLength={1000}
          value={comment}
          placeholder={v.commentPlaceholder}
          aria-label={v.comment}
          data-testid="rating-comment"
          onInput={(event) => setComment(event.currentTarget.value)}
        />
      )}
      {error && (
        <p class="upload-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={!rating || busy} data-testid="rating-submit">
        {v.sendRating}
      </button>
    </form>
  );
}

/** This chunk's styles (adopted when it first renders). */
const CSS = `
.rating{display:flex;flex-direction:column;gap:8px}
.rating fieldset{margin:0;padding:0;border:0;text-align:center}
.rating legend{margin:0 auto 4px;font-size:14px;color:var(--rn-muted)}
.stars-input{display:inline-flex;gap:2px}
.stars-input label{font-size:30px;line-height:1;color:#c8ccd2;cursor:pointer;padding:0 2px}
.stars-input label.on{color:#f2b01e}
.stars-input label:has(:focus-visible){outline:2px solid var(--rn-ink);border-radius:6px}
`;
