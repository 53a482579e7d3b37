/**
 * A call link the agent sent (`desk.sendCallLink`), as the console shows it: "Call link sent
 * (expires 14:30)", without the URL. The link's token opens the call as the visitor, so an agent
 * who clicked it would join as them; the visitor's widget still gets the plain URL in the body.
 */
import type { Message } from '../../../src/contract/extensions.ts';

/** What `sendCallLink` puts in the message's metadata. */
export interface CallLinkNote {
  service: 'voice_call' | 'video_call';
  expiresAt: string;
}

// Links sent before the metadata existed: the body alone says what they are.
const LINK_BODY = /^Join the (voice|video) call: \S+\/call\/#\S+$/;

/** The call link a message carries, or `null`. Only agent-side messages: a visitor cannot make one. */
export function callLinkOf(m: Message): Partial<CallLinkNote> | null {
  if (m.senderType === 'visitor') return null;
  const note = (m.metadata as { callLink?: Partial<CallLinkNote> } | undefined)?.callLink;
  if (note && typeof note === 'object') return note;
  return LINK_BODY.test(m.body ?? '') ? {} : null;
}

/** A conversation's last-message preview, with a call link's URL left out (the list shows it too). */
export function previewText(preview: string): string {
  return LINK_BODY.test(preview) || /\/call\/#\S/.test(preview) ? 'Call link sent' : preview;
}

export function CallLinkMessage({ note }: { note: Partial<CallLinkNote> }) {
  const what = note.service === 'voice_call' ? 'Voice call link' : note.service === 'video_call' ? 'Video call link' : 'Call link';
  const expires = note.expiresAt ? new Date(note.expiresAt) : null;
  const until = expires && !Number.isNaN(expires.getTime()) ? ` (expires ${expires.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })})` : '';
  return (
    <span class="body call-link-sent" data-testid="call-link-sent">
      {what} sent{until}
    </span>
  );
}
