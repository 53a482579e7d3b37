/**
 * A small HTTP client for contract tests: every call validates the response body against
 * the contract for its path, method and status, so no test can forget to.
 */
import { SignJWT } from 'jose';
import { expectMatchesContract } from '../helpers/contract-schema.ts';
import { type TestServer, useTestServer } from '../helpers/server.ts';

export interface CallOptions {
  /** JSON-encoded unless a string (sent as is). */
  body?: unknown;
  /** Visitor or agent token for `X-Ringnity-SDK-Session`. */
  token?: string;
  headers?: Record<string, string>;
  /** Skip contract validation (for non-JSON answers). */
  raw?: boolean;
}

export interface CallResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  // `data` is read loosely in tests: its shape was already checked against the contract.
  body: T & { success: boolean; data?: any; code?: string; message?: string; details?: string[] };
}

/** Only what the calls need, so a spawned server process works too. */
export function client(server: Pick<TestServer, 'baseUrl' | 'slug' | 'serverApiKey'>) {
  async function call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token) headers['X-Ringnity-SDK-Session'] = options.token;
    const response = await fetch(`${server.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as CallResult['body']) : ({} as CallResult['body']);
    if (!options.raw) expectMatchesContract(method, path, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** A fresh anonymous visitor with a session token. */
  async function newVisitor(visitor?: Record<string, string>) {
    const res = await call('POST', '/sdk/session', { body: { slug: server.slug, ...(visitor ? { visitor } : {}) } });
    if (res.status !== 201) throw new Error(`session failed: ${JSON.stringify(res.body)}`);
    const data = res.body.data as { sessionToken: string; visitorId: string; visitorCredential: string };
    return { token: data.sessionToken, visitorId: data.visitorId, credential: data.visitorCredential };
  }

  /** A visitor with an open conversation. */
  async function visitorWithConversation(visitor?: Record<string, string>) {
    const v = await newVisitor(visitor);
    const res = await call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
    return { ...v, conversationId: res.body.data.conversation.conversationId as string };
  }

  /** An agent's token (the demo agent's unless `agentId` names another), through the Server API. */
  async function agentToken(agentId = 'agent-demo'): Promise<string> {
    const res = await call('POST', '/server/sdk-token/agent', {
      headers: { authorization: `Bearer ${server.serverApiKey}` },
      body: { agentId },
    });
    if (res.status !== 201) throw new Error(`agent token failed: ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  }

  /**
   * A multipart upload (`file` field unless `field` says otherwise; `file: null` sends no file),
   * validated against the contract like {@link call}.
   */
  async function upload(
    path: string,
    token: string,
    file: { name: string; type: string; bytes: Uint8Array } | null,
    options: { field?: string; extra?: Record<string, string> } = {},
  ): Promise<CallResult> {
    const form = new FormData();
    if (file) form.append(options.field ?? 'file', new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
    for (const [key, value] of Object.entries(options.extra ?? {})) form.append(key, value);
    const response = await fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'X-Ringnity-SDK-Session': token }, body: form });
    const parsed = (await response.json()) as CallResult['body'];
    expectMatchesContract('POST', path, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  return { call, newVisitor, visitorWithConversation, agentToken, upload };
}

/** The contract client of one server (see {@link client}). */
export type Api = ReturnType<typeof client>;

/** What {@link useContractServer} hands a test file. */
export interface ContractServer {
  /** The file's running server; read its fields inside tests and hooks (it starts in `beforeAll`). */
  server: TestServer;
  /** A contract client of that server. */
  api: Api;
}

/**
 * The set-up nearly every server test file repeats: the real reference server started with
 * `options` in `beforeAll` and closed in `afterAll` ({@link useTestServer}), and a client for it.
 * Both are stable, so a file destructures them once at the top and its tests read
 * `server`/`api` as before.
 * @example const { server, api } = useContractServer({ typing: { timeoutMs: 300 } });
 */
export function useContractServer(options?: Parameters<typeof useTestServer>[0]): ContractServer {
  const server = useTestServer(options);
  return { server, api: client(server) };
}

/**
 * A token signed with the server's secret (or `secret`) but with chosen claims and expiry, as
 * only the server could mint it: for expired, mis-scoped or other-tenant tokens. `sub` becomes
 * the subject; it is issued an hour ago, which the server does not check.
 */
export async function forgeToken(
  server: Pick<TestServer, 'tokenSecret'>,
  claims: Record<string, unknown>,
  expSecondsFromNow: number,
  secret = server.tokenSecret,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { sub, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('ringnity-reference-server')
    .setSubject(String(sub))
    .setIssuedAt(now - 3600)
    .setExpirationTime(now + expSecondsFromNow)
    .sign(new TextEncoder().encode(secret));
}
