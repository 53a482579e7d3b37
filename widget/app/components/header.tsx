/**
 * The top bar of the panel: the tenant's name, whether someone can answer now (online / away
 * with the usual reply time / offline), past conversations, and a close button.
 */
import type { Availability } from '../../../src/index.ts';
import type { WidgetModel } from '../model.ts';
import { CloseIcon, HistoryIcon } from './icons.tsx';

function availabilityText(a: Availability): string {
  const reply = a.expectedReplyMinutes ? `We usually reply in about ${a.expectedReplyMinutes} min` : '';
  const state = a.state ?? (a.available ? 'online' : 'offline');
  if (state === 'online') return 'Online · We reply in a few minutes';
  if (state === 'away') return `Away${reply ? ` · ${reply}` : ' · Leave a message'}`;
  return `Offline · Leave a message${reply ? `. ${reply}` : ''}`;
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
  return (
    <div class="header">
      <div class="heading">
        <h2 class="title" id="rn-title">
          {title}
        </h2>
        {availability && (
          <p class="availability" data-testid="availability" data-state={state}>
            <span class={`dot ${state}`} aria-hidden="true" />
            {availabilityText(availability)}
          </p>
        )}
      </div>
      <button
        type="button"
        class="icon-button"
        aria-label={past ? 'Back to the conversation' : 'Past conversations'}
        aria-pressed={past}
        data-testid="past-conversations"
        onClick={() => (model.view.value = past ? 'chat' : 'past')}
      >
        <HistoryIcon />
      </button>
      <button type="button" class="icon-button" aria-label="Close chat" data-testid="close" onClick={onClose}>
        <CloseIcon />
      </button>
    </div>
  );
}
