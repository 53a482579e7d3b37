/** The call page (served at `/call/`): opens the call link in the address bar's fragment. */
// Renders re-run when a signal they read changes (the call's phase, streams…), as in the widget.
import '@preact/signals';
import { render } from 'preact';
import { CallPage } from './call-page.tsx';
import { takeLinkToken } from './link-token.ts';

const apiBase = new URL('/api', location.origin).href;
render(<CallPage apiBase={apiBase} token={takeLinkToken(window)} />, document.getElementById('app')!);
