/** The sign-in form (demo credentials: demo / demo). */
import { useState } from 'preact/hooks';
import type { AgentAuth } from '../auth.ts';

export function Login({ auth }: { auth: AgentAuth }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await auth.login(String(form.get('username')), String(form.get('password')));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form onSubmit={onSubmit}>
        <h1>Agent console</h1>
        <label>
          Username
          <input name="username" autocomplete="username" placeholder="demo" required data-testid="login-username" />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" placeholder="demo" required data-testid="login-password" />
        </label>
        {error && (
          <p class="problem" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="hint">Demo: username <code>demo</code>, password <code>demo</code>.</p>
      </form>
    </main>
  );
}
