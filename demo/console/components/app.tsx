/** Signed out: the sign-in form. Signed in: the desk for that agent. */
import { useEffect, useMemo } from 'preact/hooks';
import type { AgentAuth } from '../auth.ts';
import { createAgentApi } from '../api.ts';
import { createAssistant } from '../assistant.ts';
import { loadCallEngine } from '../call-engine.ts';
import { createCallDesk, whileRinging } from '../calls.ts';
import { createDesk } from '../desk.ts';
import { startRingTone } from '../ring-tone.ts';
import { DeskView } from './desk-view.tsx';
import { Login } from './login.tsx';

export function App({ auth }: { auth: AgentAuth }) {
  return auth.token.value ? <SignedIn auth={auth} /> : <Login auth={auth} />;
}

function SignedIn({ auth }: { auth: AgentAuth }) {
  const { desk, assistant, calls } = useMemo(() => {
    const api = createAgentApi(auth);
    const desk = createDesk(api, auth);
    const calls = createCallDesk({ api, socket: desk.socket, engine: loadCallEngine });
    return { desk, assistant: createAssistant(api, desk), calls };
  }, [auth]);
  useEffect(() => {
    const stopRinging = whileRinging(calls, startRingTone);
    return () => {
      stopRinging();
      calls.destroy();
      assistant.destroy();
      desk.destroy();
    };
  }, [desk, assistant, calls]);
  return <DeskView desk={desk} assistant={assistant} calls={calls} onSignOut={() => auth.logout()} />;
}
