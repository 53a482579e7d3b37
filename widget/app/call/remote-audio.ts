/**
 * Plays the other side's voice through an `<audio>` element kept out of the DOM, so it goes on
 * while the visitor closes the chat panel (which unmounts the call view) and comes back. Video
 * elements stay muted: this is the call's only sound. Once per call; stops when the call ends.
 */
import type { ActiveCall } from '../../../src/index.ts';

const playing = new WeakSet<ActiveCall>();

export function playRemoteAudio(call: ActiveCall): void {
  if (playing.has(call) || typeof Audio === 'undefined') return;
  playing.add(call);
  const audio = new Audio();
  audio.autoplay = true;
  const stopStream = call.remoteStream.subscribe((stream) => {
    if (audio.srcObject === stream) return;
    audio.srcObject = stream;
    // Started from the visitor's click, so autoplay is allowed; a refusal leaves the video muted only.
    if (stream) audio.play().catch(() => undefined);
  });
  const stopPhase = call.phase.subscribe((phase) => {
    if (phase !== 'ended') return;
    // Unsubscribing inside the callback that runs during subscribe() itself: defer to be safe.
    queueMicrotask(() => {
      stopStream();
      stopPhase();
      audio.pause();
      audio.srcObject = null;
    });
  });
}
