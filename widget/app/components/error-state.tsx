/** What the panel shows instead of the chat when it cannot work (start-up failed). */
import type { Failure } from '../model.ts';

// Visitor-facing words for the codes a visitor can meet at start-up; the code stays visible
// in small text so the site owner can look it up.
const TEXT: Record<string, string> = {
  SDK_ORIGIN_NOT_ALLOWED: "Chat isn't available on this website.",
  SDK_CLIENT_NOT_FOUND: "This chat isn't set up yet.",
  RATE_LIMITED: 'Too many attempts. Please try again in a minute.',
};

export function ErrorState({ failure, onRetry }: { failure: Failure; onRetry(): void }) {
  return (
    <div class="error" role="alert" data-testid="error-state">
      <p>{TEXT[failure.code] ?? "Chat isn't available right now."}</p>
      <p class="code" title={failure.message}>
        {failure.code}
      </p>
      {failure.retryable && (
        <button type="button" class="again" data-testid="try-again" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
