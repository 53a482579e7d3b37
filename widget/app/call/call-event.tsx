/**
 * A call in the conversation (`messageType: "call"`, a system message the server adds when a
 * call is over: "Video call · 3:12", "Missed voice call"): a centred line with a phone or video
 * icon rather than a bubble. A chunk: most conversations have no call.
 */
import { useRef } from 'preact/hooks';
import type { ChatMessage } from '../../../src/types.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useCallText } from '../i18n/call-text.ts';
import { PhoneIcon, VideoIcon } from './call-icons.tsx';
import { eventText, type CallFacts } from './call-text.ts';

const CSS = `
.call-event{display:inline-flex;align-items:center;gap:6px}
.call-event svg{width:16px;height:16px}
.call-event[data-status="missed"],.call-event[data-status="failed"]{color:#b3261e}
`;

export function CallEvent({ message }: { message: ChatMessage }) {
  const root = useRef<HTMLDivElement>(null);
  useChunkStyles(root, CSS);
  const { c } = useCallText();
  const facts = (message.metadata?.['call'] ?? {}) as CallFacts;
  return (
    <div ref={root} class="bubble call-event" data-testid="call-event" data-status={facts.status}>
      {facts.type === 'video' ? <VideoIcon /> : <PhoneIcon />}
      {eventText(c, facts) ?? message.body}
    </div>
  );
}
