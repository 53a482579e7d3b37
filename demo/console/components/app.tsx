/** Signed out: the sign-in form. Signed in: the desk for that agent. */
import { useEffect, useMemo } from 'preact/hooks';
import type { AgentAuth } from '../auth.ts';
import { createAgentApi } from '../api.ts';
import { createDesk } from '../desk.ts';
import { DeskView } from './desk-view.tsx';
import { Login } from './login.tsx';

export function App({ auth }: { auth: AgentAuth }) {
  return auth.token.value ? <SignedIn auth={auth} /> : <Login auth={auth} />;
}

function SignedIn({ auth }: { auth: AgentAuth }) {
  const desk = useMemo(() => createDesk(createAgentApi(auth), auth), [auth]);
  useEffect(() => () => desk.destroy(), [desk]);
  return <DeskView desk={desk} onSignOut={() => auth.logout()} />;
}
