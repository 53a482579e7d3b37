/** A `<video>` showing a `MediaStream` (muted: the call's sound plays apart, see `remote-audio.ts`). */
import { useEffect, useRef } from 'preact/hooks';

export interface StreamVideoProps {
  stream: MediaStream | null;
  class: string;
  /** What the video shows, for screen readers. */
  label: string;
  testId: string;
}

export function StreamVideo({ stream, class: className, label, testId }: StreamVideoProps) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = video.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    if (stream) el.play().catch(() => undefined);
  }, [stream]);
  return <video ref={video} class={className} aria-label={label} data-testid={testId} autoplay playsInline muted />;
}
