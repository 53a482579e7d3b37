/** The agent console (served at `/console`): sign in, see open conversations, answer visitors. */
import { render } from 'preact';
import { App } from './components/app.tsx';
import { createAgentAuth } from './auth.ts';

render(<App auth={createAgentAuth()} />, document.getElementById('app')!);
