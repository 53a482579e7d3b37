/**
 * The agent's side of a conversation, over plain `fetch` to the real server's Server API and
 * agent endpoints: what a person in the console does, without the console.
 */
import type { Message, SdkToken } from '../../../src/contract/extensions.ts';
import type { TestServer } from '../../helpers/server.ts';

export interface Agent {
  send(conversationId: string, body: string): Promise<Message>;
  /** Every message of the conversation on the server, oldest first. */
  messages(conversationId: string): Promise<Message[]>;
  close(conversationId: string): Promise<void>;
}

export async function agentOf(server: TestServer): Promise<Agent> {
  const minted = (await (
    await fetch(`${server.baseUrl}/server/sdk-token/agent`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.serverApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'agent-demo' }),
    })
  ).json()) as { data: SdkToken };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.baseUrl}/agent-sdk/conversations/${path}`, {
      method,
      headers: { 'X-Ringnity-SDK-Session': minted.data.token, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const envelope = (await response.json()) as { success: boolean; data: T };
    if (!envelope.success) throw new Error(`${method} ${path}: ${JSON.stringify(envelope)}`);
    return envelope.data;
  };
  return {
    send: async (id, body) => (await call<{ message: Message }>('POST', `${id}/messages`, { body })).message,
    messages: async (id) => (await call<{ messages: Message[] }>('GET', `${id}/messages?limit=100`)).messages,
    close: async (id) => void (await call('POST', `${id}/close`)),
  };
}
