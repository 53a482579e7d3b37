/** The time since the call was answered, ticking each second (`m:ss`). */
import { useEffect, useState } from 'preact/hooks';
import { duration } from './call-text.ts';

export function CallTimer({ since }: { since: string | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const start = since ? Date.parse(since) : Number.NaN;
  return (
    <span class="call-timer" data-testid="call-timer" role="timer">
      {Number.isNaN(start) ? '0:00' : duration((now - start) / 1000)}
    </span>
  );
}
