/**
 * Agent sign-in for the demo console: `POST /demo/agent-login` (same origin, a demo stand-in for
 * a customer backend) answers the contract's `SdkToken` envelope. The credentials stay in memory
 * so the token can be minted again before it expires; nothing is written to storage.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { ErrorEnvelope, SdkToken } from '../../src/contract/extensions.ts';

// Mint a new token this long before the old one expires (or at 80 % of a short lifetime).
const REFRESH_AHEAD_MS = 60_000;

export interface AgentAuth {
  /** The current agent token, `null` while signed out. */
  readonly token: ReadonlySignal<string | null>;
  /** Signs in; rejects with an `Error` whose message can be shown. */
  login(username: string, password: string): Promise<void>;
  /** The current token, minting a new one first if it has expired. */
  getToken(): Promise<string>;
  /** Mints a new token now (after a `TOKEN_EXPIRED` answer). */
  refresh(): Promise<string>;
  logout(): void;
}

export function createAgentAuth(loginUrl = '/demo/agent-login'): AgentAuth {
  const token = signal<string | null>(null);
  let credentials: { username: string; password: string } | null = null;
  let expiresAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let minting: Promise<string> | null = null;

  async function mint(): Promise<string> {
    if (!credentials) throw new Error('Not signed in.');
    const response = await fetch(loginUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    const body = (await response.json().catch(() => null)) as { success: true; data: SdkToken } | ErrorEnvelope | null;
    if (!body?.success) {
      throw new Error(body?.message ?? `Sign-in failed (HTTP ${response.status}).`);
    }
    const lifetime = body.data.expiresIn * 1000;
    expiresAt = body.data.expiresAt ? Date.parse(body.data.expiresAt) : Date.now() + lifetime;
    clearTimeout(timer);
    const ahead = Math.min(REFRESH_AHEAD_MS, lifetime * 0.2);
    timer = setTimeout(() => void refresh().catch(() => undefined), Math.max(1_000, expiresAt - Date.now() - ahead));
    token.value = body.data.token;
    return body.data.token;
  }

  /** One mint at a time; concurrent callers share it. */
  function refresh(): Promise<string> {
    minting ??= mint().finally(() => (minting = null));
    return minting;
  }

  return {
    token,
    async login(username, password) {
      credentials = { username, password };
      try {
        await refresh();
      } catch (error) {
        credentials = null;
        throw error;
      }
    },
    getToken: () => (token.value && Date.now() < expiresAt ? Promise.resolve(token.value) : refresh()),
    refresh,
    logout() {
      clearTimeout(timer);
      credentials = null;
      token.value = null;
    },
  };
}
