/** The phone and camera icons of calls (inline SVG: emoji fonts are missing on many machines). Decorative. */
import type { CallType } from '../../../src/contract/extensions.ts';

const PATHS: Record<CallType, string> = {
  // A handset.
  audio:
    'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z',
  // A video camera.
  video: 'M4 6h11a2 2 0 0 1 2 2v1.5l4-2.5v10l-4-2.5V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z',
};

export function CallIcon({ type, class: className = 'call-icon' }: { type: CallType; class?: string }) {
  return (
    <svg class={className} viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d={PATHS[type]} fill="currentColor" />
    </svg>
  );
}
