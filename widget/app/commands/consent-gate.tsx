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

const CSS = `${PRIMARY_CSS}.consent{padding:24px 20px;display:grid;gap:12px;align-content:start}.consent h2{margin:0;font-size:17px}.consent p{margin:0;line-height:1.45}`;

export function ConsentGate({ model, onAccept }: ConsentGateProps) {
  const open = model.open.value;
  const launcher = useRef<HTMLButtonElement>(null);
  useChunkStyles(launcher, CSS);
  const close = () => {
    model.open.value = false;
    launcher.current?.focus();
  };
  return (
    <>
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
            <h2 id="rn-consent-title">Chat needs your consent</h2>
            <p>To chat with us, this site stores a visitor id on your device and connects to the chat service.</p>
            <button type="button" class="primary" data-testid="consent-accept" onClick={onAccept} ref={(el) => el?.focus()}>
              Accept and chat
            </button>
          </div>
        </div>
      )}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        data-testid="launcher"
        aria-label={open ? 'Close chat' : 'Open chat'}
        aria-expanded={open}
        aria-controls="rn-panel"
        onClick={() => (model.open.value = !open)}
      >
        {open ? <ChevronDownIcon /> : <ChatIcon />}
      </button>
    </>
  );
}
