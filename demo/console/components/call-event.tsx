/**
 * A call in the transcript (extensions.md §15: a `system` message, `messageType: "call"`, body
 * like "Video call · 3:12", `metadata.call`): a line with an icon, not a bubble.
 */
import type { Message } from '../../../src/contract/extensions.ts';
import { CallIcon } from './call-icon.tsx';
import { shortTime } from './names.ts';

/** `metadata.call` as the server writes it; read defensively, it comes over the wire. */
interface CallFacts {
  type?: string;
  status?: string;
}

export const isCallEvent = (m: Message): boolean => m.messageType === 'call';

function factsOf(m: Message): CallFacts {
  const call = (m.metadata as { call?: unknown } | undefined)?.call;
  return typeof call === 'object' && call !== null ? (call as CallFacts) : {};
}

export function CallEvent({ message: m }: { message: Message }) {
  const { type, status } = factsOf(m);
  const trouble = status === 'missed' || status === 'failed';
  return (
    <li class={`call-event${trouble ? ' trouble' : ''}`} data-testid="call-event" data-status={status}>
      <CallIcon type={type === 'video' ? 'video' : 'audio'} />
      <span class="body">{m.body}</span>
      <span class="time"> · {shortTime(m.sentAt)}</span>
    </li>
  );
}
