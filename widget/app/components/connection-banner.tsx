/** A quiet line under the header while the live connection is down. */
import type { RuntimeStatus } from '../../../src/types.ts';

const TEXT: Partial<Record<RuntimeStatus, string>> = {
  reconnecting: 'Reconnecting…',
  offline: "You're offline. Messages will be sent when you're back.",
};

export function ConnectionBanner({ status }: { status: RuntimeStatus }) {
  const text = TEXT[status];
  return text ? (
    <div class="banner" role="status" data-testid="connection-banner" data-status={status}>
      {text}
    </div>
  ) : null;
}
