/**
 * A short ring made with WebAudio (two soft beeps every 3 s, no audio file), for a call that
 * rings while the agent looks elsewhere. Silent where the browser does not let the page play
 * sound (autoplay policy: the context stays `suspended` until the person interacts with the
 * page) or has no WebAudio: the ringing card is the signal, the tone only a help.
 */
const EVERY_MS = 3_000;
const BEEPS: readonly (readonly [at: number, hz: number])[] = [
  [0, 660],
  [0.45, 880],
];

/** Starts ringing; returns the function that stops it. */
export function startRingTone(Context: typeof AudioContext | undefined = globalThis.AudioContext): () => void {
  if (!Context) return () => undefined;
  let context: AudioContext;
  try {
    context = new Context();
  } catch {
    return () => undefined;
  }
  const ring = () => {
    if (context.state !== 'running') return;
    const start = context.currentTime;
    for (const [at, hz] of BEEPS) {
      const tone = context.createOscillator();
      const volume = context.createGain();
      tone.frequency.value = hz;
      // A quick fade in and out: no click at either end.
      volume.gain.setValueAtTime(0, start + at);
      volume.gain.linearRampToValueAtTime(0.08, start + at + 0.03);
      volume.gain.linearRampToValueAtTime(0, start + at + 0.35);
      tone.connect(volume).connect(context.destination);
      tone.start(start + at);
      tone.stop(start + at + 0.4);
    }
  };
  // Allowed once the agent has interacted with the console (signing in counts); else it stays silent.
  void context.resume().then(ring, () => undefined);
  const timer = setInterval(ring, EVERY_MS);
  return () => {
    clearInterval(timer);
    void context.close().catch(() => undefined);
  };
}
