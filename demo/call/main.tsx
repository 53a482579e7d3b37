/** The call page (served at `/call/`): opens the call link in the address bar's fragment. */
// Renders re-run when a signal they read changes (the call's phase, streams…), as in the widget.
import '@preact/signals';
import { render } from 'preact';
import { CallPage } from './call-page.tsx';
import { takeLinkToken } from './link-token.ts';

const apiBase = new URL('/api', location.origin).href;
const app = document.getElementById('app')!;
let token = takeLinkToken(window);
// A new page per link (`key`): the old one's call and socket end when it unmounts.
const show = () => render(<CallPage key={token ?? ''} apiBase={apiBase} token={token} />, app);
show();
// Pasting another call link into this tab changes only the fragment: no reload, so open it here.
addEventListener('hashchange', () => {
  const next = takeLinkToken(window);
  if (next === token) return;
  token = next;
  show();
});
