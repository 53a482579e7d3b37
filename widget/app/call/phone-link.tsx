/**
 * "Continue on your phone": makes a call link for this conversation (`calls.createLink`) and
 * shows its URL to copy (or share, where the device can), with when it stops working. The link
 * opens the call page, where the call starts after one tap.
 */
import { useState } from 'preact/hooks';
import type { CallLink, CallLinkService, Calls } from '../../../src/index.ts';
import { MobileIcon } from './call-icons.tsx';

export function PhoneLink({ calls, service }: { calls: Calls; service: CallLinkService }) {
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
          <MobileIcon /> Continue on your phone
        </button>
        {state === 'failed' && <span role="alert">The link could not be made. Check your connection and try again.</span>}
      </div>
    );
  }
  const until = new Date(link.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <div class="call-link" data-testid="call-link">
      <label for="rn-call-link">Open this link on your phone (it works until {until}):</label>
      <input id="rn-call-link" readOnly value={link.url} data-testid="call-link-url" onFocus={(e) => e.currentTarget.select()} />
      <button type="button" class="call-link-button" data-testid="call-link-copy" onClick={copy}>
        {state === 'copied' ? 'Copied' : 'Copy link'}
      </button>
    </div>
  );
}
