/**
 * The agent side of the chaos scenarios over the agent REST API (plain `fetch`): the whole
 * stored history of a conversation, and sends that carry a `clientMessageId` so a retried send
 * is stored once (the contract's `SendMessageRequest` has it for agents too).
 */
import type { Message, SdkToken } from '../../src/contract/extensions.ts';

export interface ChaosAgent {
  /** Every message of the conversation on the server, in `seq` order (all pages). */
  history(conversationId: string): Promise<Message[]>;
  /** One send attempt; answers the HTTP status (201 new, 200 a repeat of a stored `clientMessageId`). */
  send(conversationId: string, body: string, clientMessageId: string): Promise<number>;
}

interface Envelope<T> {
  success: boolean;
  data: T;
  code?: string;
}

/** The demo agent on the server at `baseUrl` (`…/api`; a proxy's address works too). */
export async function chaosAgent(baseUrl: string, serverApiKey: string): Promise<ChaosAgent> {
  const minted = (await (
    await fetch(`${baseUrl}/server/sdk-token/agent`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serverApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'agent-demo' }),
    })
  ).json()) as Envelope<SdkToken>;
  const token = minted.data.token;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; envelope: Envelope<T> }> => {
    const response = await fetch(`${baseUrl}/agent-sdk/${path}`, {
      method,
      headers: { 'X-Ringnity-SDK-Session': token, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, envelope: (await response.json()) as Envelope<T> };
  };
  return {
    async history(id) {
      const all: Message[] = [];
      for (;;) {
        const after = all.at(-1)?.seq ?? 0;
        const { envelope } = await call<{ messages: Message[]; hasMore: boolean }>('GET', `conversations/${id}/messages?after=${after}&limit=100`);
        if (!envelope.success) throw new Error(`history of ${id}: ${JSON.stringify(envelope)}`);
        all.push(...envelope.data.messages);
        if (!envelope.data.hasMore) return all;
      }
    },
    async send(id, body, clientMessageId) {
      return (await call('POST', `conversations/${id}/messages`, { body, clientMessageId })).status;
    },
  };
}
