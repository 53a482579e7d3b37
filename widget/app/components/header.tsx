/**
 * The top bar of the panel: the tenant's logo and name, whether someone can answer now (online /
 * away with the usual reply time / offline), the call buttons (`../call/call-bar.tsx`), past
 * conversations, and a close button.
 *
 * Nothing in it moves once drawn (no layout shift): the logo has a fixed box before it loads and
 * keeps it, invisible, if it fails; the availability line holds its height while unknown; the
 * call buttons' place is kept from the first render while their chunk loads.
 */
import type { Availability } from '../../../src/index.ts';
import { useText } from '../i18n/context.ts';
import type { CoreText } from '../i18n/en.ts';
import { lazy } from '../lazy.tsx';
import { logoUrl } from '../logo.ts';
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

/**
 * How many call buttons the call chunk will draw: voice and video as bootstrap offers them, none
 * where this browser cannot place a call (no media devices on an `http:` page, no WebRTC), as
 * `runtime.calls().available` decides.
 */
const callButtons = (model: WidgetModel): number =>
  isSecureContext && 'RTCPeerConnection' in self
    ? (model.runtime.bootstrap.value?.services.filter((s) => s.key.endsWith('_call') && s.status === 'available').length ?? 0)
    : 0;

export function Header({ title, model, onClose }: HeaderProps) {
  const logo = logoUrl(model.runtime.bootstrap.value?.branding?.logoUrl, model.apiBase);
  const calls = callButtons(model);
  const availability = model.runtime.availability.value;
  const state = availability ? (availability.state ?? (availability.available ? 'online' : 'offline')) : undefined;
  const past = model.view.value === 'past';
  const { s } = useText();
  return (
    <div class="header">
      {logo && (
        // Decorative (the name is next to it); fixed size; no referrer to the logo's host; kept invisible if it fails.
        <img key={logo} class="logo" src={logo} alt="" referrerpolicy="no-referrer" onError={(e) => (e.currentTarget.hidden = true)} />
      )}
      <div class="heading">
        <h2 class="title" id="rn-title">
          {title}
        </h2>
        {availability ? (
          <p class="availability" data-testid="availability" data-state={state}>
            <span class={`dot ${state}`} aria-hidden="true" />
            {availabilityText(availability, s)}
          </p>
        ) : (
          // Its line's height, kept until it is known: the panel's content does not move down when
          // it comes. Hidden from screen readers, which would read it as "blank".
          <p class="availability" aria-hidden="true">
            {'\u00a0'}
          </p>
        )}
      </div>
      {calls > 0 && (
        // The buttons' width (`data-n` of them) is kept while the chunk loads.
        <span class="calls" data-n={calls}>
          <CallBar model={model} />
        </span>
      )}
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
