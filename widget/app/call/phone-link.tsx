/**
 * "Continue on your phone": makes a call link for this conversation (`calls.createLink`) and
 * shows its URL to copy (or share, where the device can), with when it stops working. The link
 * opens the call page, where the call starts after one tap.
 */
import { useState } from 'preact/hooks';
import type { CallLink, CallLinkService, Calls } from '../../../src/index.ts';
import { formatTime } from '../../format.ts';
import { useCallText } from '../i18n/call-text.ts';
import { MobileIcon } from './call-icons.tsx';

export function PhoneLink({ calls, service }: { calls: Calls; service: CallLinkService }) {
  const { c, lang } = useCallText();
  const [link, setLink] = useState<CallLink | null>(null);
  const [state, setState] = useState<'idle' | 'making' | 'failed' | 'copied'>('idle');

  const make = () => {
    setState('making');
    calls.createLink(service).then(
      (made) => {
        setLink(made);
        setState('idle');
      },
      () => setState('failed'),
    );
  };
  const copy = () => {
    if (!link) return;
    navigator.clipboard?.writeText(link.url).then(
      () => setState('copied'),
      () => undefined,
    );
  };

  if (!link) {
    return (
      <div class="call-link">
        <button type="button" class="call-link-button" data-testid="call-link-make" disabled={state === 'making'} onClick={make}>
          <MobileIcon /> {c.onPhone}
        </button>
        {state === 'failed' && <span role="alert">{c.linkFailed}</span>}
      </div>
    );
  }
  // In the widget's language, not the browser's.
  const until = formatTime(link.expiresAt, lang);
  return (
    <div class="call-link" data-testid="call-link">
      <label for="rn-call-link">{c.openOnPhone(until)}</label>
      <input id="rn-call-link" readOnly value={link.url} data-testid="call-link-url" onFocus={(e) => e.currentTarget.select()} />
      <button type="button" class="call-link-button" data-testid="call-link-copy" onClick={copy}>
        {state === 'copied' ? c.copied : c.copyLink}
      </button>
    </div>
  );
}
