/**
 * The signed-in screen: status bar, incoming calls, the call in progress, conversation list on
 * the left, the open conversation.
 */
import type { Assistant } from '../assistant.ts';
import type { CallDesk } from '../calls.ts';
import type { Desk } from '../desk.ts';
import { IncomingCalls } from './call-ringing.tsx';
import { ActiveCallView } from './call-view.tsx';
import { ConversationList } from './conversation-list.tsx';
import { ConversationView } from './conversation-view.tsx';
import { PresenceSelect } from './presence-select.tsx';

const STATUS_TEXT: Record<string, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Disconnected',
};

export function DeskView({ desk, assistant, calls, onSignOut }: { desk: Desk; assistant: Assistant; calls: CallDesk; onSignOut(): void }) {
  const status = desk.status.value;
  const me = desk.me.value;
  return (
    <div class="desk">
      <header class="bar">
        <strong>Ringnity console</strong>
        <span class={`status status-${status}`} data-testid="connection-status" role="status">
          {STATUS_TEXT[status] ?? status}
        </span>
        <span class="spacer" />
        {me && <span>{me.name ?? me.username ?? 'Agent'}</span>}
        <PresenceSelect desk={desk} />
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {desk.problem.value && (
        <p class="problem" role="alert">
          {desk.problem.value}
        </p>
      )}
      <IncomingCalls calls={calls} desk={desk} />
      <div class={`columns${calls.active.value ? ' with-call' : ''}`}>
        <ConversationList desk={desk} assistant={assistant} />
        <ConversationView key={desk.selected.value?.conversationId} desk={desk} assistant={assistant} />
        <ActiveCallView calls={calls} desk={desk} />
      </div>
    </div>
  );
}
