/** A media stream on screen (`<video>`) or only heard (`<audio>`): `srcObject` cannot be set as an attribute. */
import { useEffect, useRef } from 'preact/hooks';

export interface StreamProps {
  stream: MediaStream | null;
  /** `video` shows it; `audio` only plays it. */
  kind: 'video' | 'audio';
  /** The local preview is muted: an agent must not hear themselves. */
  muted?: boolean;
  label: string;
  class?: string;
  testId?: string;
}

export function StreamView({ stream, kind, muted = false, label, class: className, testId }: StreamProps) {
  const ref = useRef<HTMLMediaElement | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (el && el.srcObject !== stream) el.srcObject = stream;
  }, [stream]);
  const bind = (el: HTMLMediaElement | null) => void (ref.current = el);
  return kind === 'video' ? (
    <video ref={bind} class={className} autoplay playsInline muted={muted} aria-label={label} data-testid={testId} />
  ) : (
    <audio ref={bind} autoplay muted={muted} aria-label={label} data-testid={testId} />
  );
}
