/** Signed out: the sign-in form. Signed in: the desk for that agent. */
import { useEffect, useMemo } from 'preact/hooks';
import type { AgentAuth } from '../auth.ts';
import { createAgentApi } from '../api.ts';
import { createAssistant } from '../assistant.ts';
import { createDesk } from '../desk.ts';
import { DeskView } from './desk-view.tsx';
import { Login } from './login.tsx';

export function App({ auth }: { auth: AgentAuth }) {
  return auth.token.value ? <SignedIn auth={auth} /> : <Login auth={auth} />;
}

function SignedIn({ auth }: { auth: AgentAuth }) {
  const { desk, assistant } = useMemo(() => {
    const api = createAgentApi(auth);
    const desk = createDesk(api, auth);
    return { desk, assistant: createAssistant(api, desk) };
  }, [auth]);
  useEffect(
    () => () => {
      assistant.destroy();
      desk.destroy();
    },
    [desk, assistant],
  );
  return <DeskView desk={desk} assistant={assistant} onSignOut={() => auth.logout()} />;
}
