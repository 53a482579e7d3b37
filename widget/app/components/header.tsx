/**
 * The top bar of the panel: the tenant's name, whether someone can answer now (online / away
 * with the usual reply time / offline), the call buttons (`../call/call-bar.tsx`), past
 * conversations, and a close button.
 */
import type { Availability } from '../../../src/index.ts';
import { useText } from '../i18n/context.ts';
import type { CoreText } from '../i18n/en.ts';
import { lazy } from '../lazy.tsx';
import type { WidgetModel } from '../model.ts';
import { CloseIcon, HistoryIcon } from './icons.tsx';

// Voice and video calls (buttons and the call itself): a chunk, loaded only for a tenant offering calls.
const CallBar = lazy(() => import('../call/call-bar.tsx').then((m) => m.CallBar));

function availabilityText(a: Availability, s: CoreText): string {
  const reply = a.expectedReplyMinutes;
  const state = a.state ?? (a.available ? 'online' : 'offline');
  if (state === 'online') return s.online;
  if (state === 'away') return reply ? s.awayReply(reply) : s.away;
  return reply ? s.offlineReply(reply) : s.offline;
}

export interface HeaderProps {
  title: string;
  model: WidgetModel;
  onClose(): void;
}

export function Header({ title, model, onClose }: HeaderProps) {
  const availability = model.runtime.availability.value;
  const state = availability ? (availability.state ?? (availability.available ? 'online' : 'offline')) : undefined;
  const past = model.view.value === 'past';
  const { s } = useText();
  return (
    <div class="header">
      <div class="heading">
        <h2 class="title" id="rn-title">
          {title}
        </h2>
        {availability && (
          <p class="availability" data-testid="availability" data-state={state}>
            <span class={`dot ${state}`} aria-hidden="true" />
            {availabilityText(availability, s)}
          </p>
        )}
      </div>
      {model.runtime.bootstrap.value?.services.some((s) => s.key.endsWith('_call') && s.status === 'available') && <CallBar model={model} />}
      <button
        type="button"
        class="icon-button"
        aria-label={past ? s.backToConversation : s.pastConversations}
        data-testid="past-conversations"
        onClick={() => (model.view.value = past ? 'chat' : 'past')}
      >
        <HistoryIcon />
      </button>
      <button type="button" class="icon-button" aria-label={s.closeChat} data-testid="close" onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
