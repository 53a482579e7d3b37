/**
 * What the widget shows before the visitor consented (`consent: 'required'`): the launcher, and
 * on opening a short note with an Accept button instead of the chat. Accepting here is the same
 * as the site calling `Ringnity('consent', true)`. Nothing here touches storage or the network.
 * A chunk of its own: only sites that require consent load it.
 */
import { useRef } from 'preact/hooks';
import type { ConsentGateProps } from '../mount.tsx';
import { ChatIcon, ChevronDownIcon } from '../components/icons.tsx';
import { PRIMARY_CSS, useChunkStyles } from '../chunk-styles.ts';
import { enViews } from '../i18n/en-views.ts';
import { useLocale } from '../i18n/use-locale.ts';

const CSS = `${PRIMARY_CSS}.consent{padding:24px 20px;display:grid;gap:12px;align-content:start}.consent h2{margin:0;font-size:17px}.consent p{margin:0;line-height:1.45}`;

export function ConsentGate({ model, onAccept, locale }: ConsentGateProps) {
  // The widget's language (as `Widget` picks it): the words, and right to left for Arabic.
  const { i18n } = useLocale(model, locale);
  const { s } = i18n;
  const v = i18n.views ?? enViews;
  const open = model.open.value;
  const launcher = useRef<HTMLButtonElement>(null);
  useChunkStyles(launcher, CSS);
  const close = () => {
    model.open.value = false;
    launcher.current?.focus();
  };
  return (
    <div class="root" dir={i18n.dir} lang={i18n.lang}>
      {open && (
        <div
          id="rn-panel"
          class="panel"
          role="dialog"
          aria-modal="false"
          aria-labelledby="rn-consent-title"
          data-testid="consent"
          onKeyDown={(e) => e.key === 'Escape' && close()}
        >
          <div class="consent">
            <h2 id="rn-consent-title">{v.consentTitle}</h2>
            <p>{v.consentText}</p>
            <button type="button" class="primary" data-testid="consent-accept" onClick={onAccept} ref={(el) => el?.focus()}>
              {v.consentAccept}
            </button>
          </div>
        </div>
      )}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        data-testid="launcher"
        aria-label={open ? s.closeChat : s.openChat}
        aria-expanded={open}
        aria-controls="rn-panel"
        onClick={() => (model.open.value = !open)}
      >
        {open ? <ChevronDownIcon /> : <ChatIcon />}
      </button>
    </div>
  );
}
