/**
 * What the agent's browser has received of the call so far, refreshed each second while it is
 * live: a quick answer to "can they hear me / is their video coming?" when the picture freezes.
 * The byte counts are also in `data-*` attributes for the end-to-end tests.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActiveCall, CallStats } from '../../../src/calls/types.ts';

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

export function CallStatsLine({ call, live }: { call: ActiveCall; live: boolean }) {
  const [stats, setStats] = useState<CallStats>({ audioBytesReceived: 0, videoBytesReceived: 0 });
  useEffect(() => {
    if (!live) return;
    let on = true;
    const read = () =>
      call.stats().then(
        (next) => on && setStats(next),
        () => undefined,
      );
    void read();
    const timer = setInterval(read, 1_000);
    return () => {
      on = false;
      clearInterval(timer);
    };
  }, [call, live]);
  return (
    <details class="call-stats" data-testid="call-stats" data-audio-bytes={stats.audioBytesReceived} data-video-bytes={stats.videoBytesReceived}>
      <summary>Connection</summary>
      Received: audio {kb(stats.audioBytesReceived)}
      {call.type === 'video' && `, video ${kb(stats.videoBytesReceived)}`}
    </details>
  );
}
