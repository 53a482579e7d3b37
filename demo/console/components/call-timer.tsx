/** How long the call has been connected, ticking each second (`m:ss`). */
import { useEffect, useState } from 'preact/hooks';
import { formatDuration } from '../call-text.ts';

/** `since`: when the call was answered (ISO), else the moment this timer first showed. */
export function CallTimer({ since, running }: { since: string | null | undefined; running: boolean }) {
  const [start] = useState(() => (since ? Date.parse(since) : Date.now()));
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [running]);
  return (
    // Not live for screen readers: a time read out every second would drown everything else.
    <span class="call-timer" data-testid="call-timer">
      {formatDuration((now - start) / 1000)}
    </span>
  );
}
