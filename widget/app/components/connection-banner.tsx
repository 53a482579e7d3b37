/**
 * A quiet line under the header while the live connection is down, or while the server asks
 * the visitor to slow down (`RATE_LIMITED`; the runtime retries by itself). The status region
 * stays in the page while empty, so screen readers announce the line when it appears (a live
 * region inserted together with its text is often not read).
 */
import type { RuntimeStatus } from '../../../src/types.ts';
import { useText } from '../i18n/context.ts';
import type { CoreText } from '../i18n/en.ts';

export interface ConnectionBannerProps {
  status: RuntimeStatus;
  /** Seconds until a rate-limited send is retried (0: retrying now), `null` when not limited. */
  slowDown?: number | null;
}

/** The banner's line (a connection problem first), `undefined` when there is nothing to say. */
export function bannerText(s: CoreText, status: RuntimeStatus, slowDown: number | null = null): string | undefined {
  const down = status === 'reconnecting' ? s.reconnecting : status === 'offline' ? s.youAreOffline : undefined;
  return down ?? (slowDown === null ? undefined : s.slowDown(slowDown));
}

export function ConnectionBanner({ status, slowDown = null }: ConnectionBannerProps) {
  const text = bannerText(useText().s, status, slowDown);
  const down = status === 'reconnecting' || status === 'offline';
  return (
    <div role="status">
      {text && (
        <div class="banner" data-testid="connection-banner" data-status={down ? status : 'rate-limited'}>
          {text}
        </div>
      )}
    </div>
  );
}
