/**
 * One message in the console: who and when, the body by type (text, file, location, rating, a
 * deleted placeholder), "edited", ticks on the agent side's messages from the visitor's
 * receipts, and Edit/Delete on the agent's own messages. The AI's answers carry an "AI" label
 * and their sources; the AI's handoff note stands out, so the agent reads the AI transcript
 * above it as what happened before they took over.
 */
import { useState } from 'preact/hooks';
import type { Conversation, Message } from '../../../src/contract/extensions.ts';
// The same formatting the visitor sees in the widget (links, bold, code; never HTML).
import { formatMessage, safeHref } from '../../../widget/format.ts';
import type { AgentMessageState } from '../desk.ts';
import { Attachment, attachmentOf } from './attachment.tsx';
import { CallLinkMessage, callLinkOf } from './call-link-message.tsx';
import { shortTime, visitorName } from './names.ts';
import { Sources, citationsOf } from './sources.tsx';

const TICKS: Record<AgentMessageState, string> = { sent: '✓ Sent', delivered: '✓✓ Delivered', read: '✓✓ Read' };

export interface MessageItemProps {
  message: Message;
  conversation: Conversation;
  /** Ticks for the agent side's messages; `undefined` for the visitor's. */
  state?: AgentMessageState;
  /** The signed-in agent wrote it and the conversation is open (may edit and delete). */
  own: boolean;
  onEdit(body: string): Promise<boolean>;
  onDelete(): Promise<boolean>;
}

export function MessageItem({ message: m, conversation, state, own, onEdit, onDelete }: MessageItemProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const deleted = Boolean(m.deletedAt);
  const who = m.senderType === 'visitor' ? visitorName(conversation) : (m.senderName ?? m.senderType);
  const handoff = isHandoff(m);

  const save = async () => {
    if (editing !== null && editing.trim() && (await onEdit(editing.trim()))) setEditing(null);
  };

  return (
    <li
      class={`message from-${m.senderType}${handoff ? ' handoff-note' : ''}${deleted ? ' deleted' : ''}`}
      data-testid="message"
      data-sender={m.senderType}
      data-state={state}
      data-handoff={handoff ? 'true' : undefined}
    >
      <span class="who">
        {m.senderType === 'ai' && (
          <span class="tag ai-label" data-testid="ai-label" title="Answered by the AI assistant from the help centre">
            AI
          </span>
        )}
        {handoff && <span class="tag handoff">Handed to the team</span>}
        {handoff ? '' : who} · {shortTime(m.sentAt)}
        {m.editedAt && !deleted && <span class="edited"> · edited</span>}
      </span>
      {editing !== null ? (
        <form
          class="edit-form"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <textarea
            value={editing}
            rows={2}
            aria-label="Edit message"
            data-testid="edit-input"
            onInput={(event) => setEditing(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setEditing(null);
              if (event.key === 'Enter' && !event.shiftKey) {
                event.preventDefault();
                void save();
              }
            }}
          />
          <span class="row">
            <button type="submit" data-testid="edit-save">
              Save
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </span>
        </form>
      ) : (
        <Body message={m} />
      )}
      {(state || (own && !deleted && editing === null)) && (
        <span class="message-foot">
          {own && !deleted && editing === null && (
            <span class="actions" data-testid="message-menu">
              {confirming ? (
                <>
                  <button type="button" class="link danger" data-testid="delete-confirm" onClick={() => void onDelete().then(() => setConfirming(false))}>
                    Delete for everyone
                  </button>
                  <button type="button" class="link" onClick={() => setConfirming(false)}>
                    Keep
                  </button>
                </>
              ) : (
                <>
                  {(m.messageType === 'text' || !m.messageType) && !callLinkOf(m) ? (
                    <button type="button" class="link" data-testid="edit" onClick={() => setEditing(m.body)}>
                      Edit
                    </button>
                  ) : null}
                  <button type="button" class="link" data-testid="delete" onClick={() => setConfirming(true)}>
                    Delete
                  </button>
                </>
              )}
            </span>
          )}
          {state && !deleted && (
            <span class={`ticks ticks-${state}`} data-testid="ticks">
              {TICKS[state]}
            </span>
          )}
        </span>
      )}
    </li>
  );
}

function Body({ message: m }: { message: Message }) {
  if (m.deletedAt) return <span class="body placeholder">Message deleted</span>;
  const link = callLinkOf(m);
  if (link) return <CallLinkMessage note={link} />;
  const metadata = m.metadata as Record<string, unknown> | undefined;
  if (m.messageType === 'rating') {
    const rating = Number(metadata?.rating) || 0;
    return (
      <span class="body rating" data-testid="rating">
        <span aria-label={`Rated ${rating} out of 5`}>
          {'★'.repeat(rating)}
          {'☆'.repeat(Math.max(0, 5 - rating))}
        </span>{' '}
        {typeof metadata?.comment === 'string' && <q>{metadata.comment}</q>}
      </span>
    );
  }
  if (m.messageType === 'location') {
    const lat = Number(metadata?.latitude);
    const lon = Number(metadata?.longitude);
    const href = safeHref(`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`);
    const label = typeof metadata?.label === 'string' ? metadata.label : `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
    return (
      <span class="body">
        Location:{' '}
        {href ? (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {label}
          </a>
        ) : (
          label
        )}
      </span>
    );
  }
  const file = attachmentOf(metadata);
  return (
    <span class="body">
      {file && <Attachment file={file} />}
      {m.body && <span class={file ? 'caption' : undefined}>{formatMessage(m.body)}</span>}
      {m.senderType === 'ai' && <Sources citations={citationsOf(metadata)} />}
    </span>
  );
}

/** The AI's note that it handed the conversation to the team (extensions.md §14: a `system` message with `metadata.handoff`). */
function isHandoff(m: Message): boolean {
  const metadata = m.metadata as { handoff?: unknown } | undefined;
  return m.senderType === 'system' && typeof metadata?.handoff === 'object' && metadata.handoff !== null;
}
