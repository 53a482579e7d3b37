/**
 * The few REST calls a load visitor and agent make, as a browser on the demo site would make
 * them (with its `Origin`). Any answer but the expected status throws with the error code, so
 * the generator can count refusals by cause.
 */
import type { Conversation, CreateRuntimeSessionRequest, ErrorEnvelope, Message, RuntimeSession, SdkToken, SendMessageRequest } from '../../../src/contract/extensions.ts';
import { DEMO_SERVER_API_KEY } from '../../../demo/server/config.ts';
import { DEMO_TENANT_SLUG } from '../../../demo/server/seed.ts';
import type { LoadServer } from './server-process.ts';

/** A refused or failed call; `code` is the envelope's error code, or the network error's name. */
export class LoadRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(server: LoadServer, method: string, path: string, body: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { origin: server.origin, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw new LoadRequestError('ABORTED', 'given up by the generator');
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new LoadRequestError(cause instanceof Error && 'code' in cause ? String(cause.code) : 'NETWORK', String(cause));
  }
    const json = (await response.json().catch(() => ({}))) as { data?: T } & Partial<ErrorEnvelope>;
  if (!response.ok || json.data === undefined) {
    throw new LoadRequestError(json.code ?? `HTTP_${response.status}`, json.message ?? `${method} ${path} answered ${response.status}`);
  }
  return json.data;
}

/** `POST /sdk/session` for a new anonymous visitor of the demo tenant. */
export function createSession(server: LoadServer): Promise<RuntimeSession> {
  const body: CreateRuntimeSessionRequest = { slug: DEMO_TENANT_SLUG };
  return call<RuntimeSession>(server, 'POST', '/sdk/session', body, {});
}

/** `POST /chat/visitor/conversations`: the visitor's open conversation. */
export async function openConversation(server: LoadServer, sessionToken: string): Promise<string> {
  const { conversation } = await call<{ conversation: Conversation }>(server, 'POST', '/chat/visitor/conversations', {}, { 'x-ringnity-sdk-session': sessionToken });
  return conversation.conversationId;
}

/** `POST /chat/visitor/conversations/{id}/messages`; `signal` gives up on it (a step's end). */
export async function sendVisitorMessage(server: LoadServer, sessionToken: string, conversationId: string, body: string, signal?: AbortSignal): Promise<Message> {
  const request: SendMessageRequest = { body, messageType: 'text', clientMessageId: body };
  const { message } = await call<{ message: Message }>(
    server,
    'POST',
    `/chat/visitor/conversations/${conversationId}/messages`,
    request,
    { 'x-ringnity-sdk-session': sessionToken },
    signal,
  );
  return message;
}

/** An agent token for the demo agent, from the tenant's Server API (a backend call: no `Origin`). */
export async function agentToken(server: LoadServer): Promise<string> {
  const response = await fetch(`${server.baseUrl}/server/sdk-token/agent`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_SERVER_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: 'agent-demo', expiresIn: 3600 }),
  });
  const json = (await response.json()) as { data?: SdkToken } & Partial<ErrorEnvelope>;
  if (!json.data) throw new LoadRequestError(json.code ?? `HTTP_${response.status}`, json.message ?? 'no agent token');
  return json.data.token;
}
