/**
 * The agent endpoints the console uses (`/api/agent-sdk/*`), over the core's HTTP client with
 * the agent token in `X-Ringnity-SDK-Session`. Response shapes come from the contract.
 */
import type { AgentProfile, Assignment, Conversation, Message } from '../../src/contract/extensions.ts';
import { createHttp } from '../../src/http.ts';
import type { AgentAuth } from './auth.ts';

export interface AgentApi {
  me(): Promise<AgentProfile | null>;
  /** Open conversations, newest activity first. */
  conversations(): Promise<Conversation[]>;
  conversation(id: string): Promise<Conversation | null>;
  /** The newest `limit` messages, or (with `after`) the ones after that `seq`, oldest first. */
  messages(id: string, options?: { after?: number; limit?: number }): Promise<Message[]>;
  send(id: string, body: string, clientMessageId: string): Promise<Message | null>;
  assignToMe(id: string): Promise<Conversation | null>;
  close(id: string): Promise<Conversation | null>;
}

export function createAgentApi(auth: AgentAuth, baseUrl = new URL('/api', location.href).href): AgentApi {
  const http = createHttp({
    baseUrl,
    getToken: () => auth.getToken(),
    onAuthError: () => auth.refresh(),
  });
  const path = (id: string, rest = '') => `agent-sdk/conversations/${encodeURIComponent(id)}${rest}`;
  return {
    me: async () => (await http.get<{ agent?: AgentProfile }>('agent-sdk/me')).agent ?? null,
    conversations: async () =>
      (await http.get<{ conversations: Conversation[] }>('agent-sdk/conversations', { searchParams: { status: 'open', limit: 100 } }))
        .conversations,
    conversation: async (id) => (await http.get<{ conversation?: Conversation }>(path(id))).conversation ?? null,
    messages: async (id, { after, limit = 50 } = {}) =>
      (
        await http.get<{ messages?: Message[] }>(path(id, '/messages'), {
          searchParams: after === undefined ? { limit } : { after, limit },
        })
      ).messages ?? [],
    send: async (id, body, clientMessageId) =>
      (await http.post<{ message?: Message }>(path(id, '/messages'), { body, messageType: 'text', clientMessageId })).message ?? null,
    assignToMe: async (id) =>
      (await http.post<{ assignment: Assignment; conversation?: Conversation }>(path(id, '/assign'), { isTransfer: false })).conversation ??
      null,
    close: async (id) => (await http.post<{ conversation?: Conversation }>(path(id, '/close'))).conversation ?? null,
  };
}
