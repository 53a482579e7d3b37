/**
 * What the widget does for every call of its runtime, whether the panel is open or not: plays
 * the other side's voice (`remote-audio.ts`) and hangs up when the page goes away (a call
 * cannot survive a navigation, and the team must not be left ringing or talking to no one).
 * Set up once per `Calls` as soon as the call chunk has it, before any call can start, and never
 * torn down: a call outlives the panel, which unmounts when it closes.
 */
import type { Calls } from '../../../src/index.ts';
import { playRemoteAudio } from './remote-audio.ts';

const followed = new WeakSet<Calls>();

export function followCalls(calls: Calls): void {
  if (followed.has(calls)) return;
  followed.add(calls);
  calls.current.subscribe((call) => call && playRemoteAudio(call));
  if (typeof addEventListener === 'function') addEventListener('pagehide', () => calls.current.peek()?.hangUpOnExit());
}
