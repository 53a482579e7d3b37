/**
 * A quiet line under the header while the live connection is down, or while the server asks
 * the visitor to slow down (`RATE_LIMITED`; the runtime retries by itself).
 */
import type { RuntimeStatus } from '../../../src/types.ts';

const TEXT: Partial<Record<RuntimeStatus, string>> = {
  reconnecting: 'Reconnecting…',
  offline: "You're offline. Messages will be sent when you're back.",
};

export interface ConnectionBannerProps {
  status: RuntimeStatus;
  /** Seconds until a rate-limited send is retried (0: retrying now), `null` when not limited. */
  slowDown?: number | null;
}

export function ConnectionBanner({ status, slowDown = null }: ConnectionBannerProps) {
  const down = TEXT[status];
  const text = down ?? (slowDown === null ? undefined : `Sending too fast — retrying${slowDown ? ` in ${slowDown} s` : '…'}`);
  return text ? (
    <div class="banner" role="status" data-testid="connection-banner" data-status={down ? status : 'rate-limited'}>
      {text}
    </div>
  ) : null;
}
