/**
 * What the panel shows instead of the chat when it cannot work here: a fatal start-up error
 * (transient ones only show the connection banner while start-up is retried).
 */
import type { ErrorCode, RuntimeError } from '../../../src/index.ts';

// Visitor-facing words for the codes a visitor can meet at start-up; the code stays visible
// in small text so the site owner can look it up.
const TEXT: Partial<Record<ErrorCode, string>> = {
  SDK_ORIGIN_NOT_ALLOWED: "Chat isn't available on this website.",
  SDK_CLIENT_NOT_FOUND: "This chat isn't set up yet.",
};

export function ErrorState({ failure }: { failure: RuntimeError }) {
  return (
    <div class="error" role="alert" data-testid="error-state">
      <p>{TEXT[failure.code] ?? "Chat isn't available right now."}</p>
      <p class="code" title={failure.message}>
        {failure.code}
      </p>
    </div>
  );
}
