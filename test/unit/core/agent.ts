/**
 * The agent's side of a conversation, over plain `fetch` to the real server's Server API and
 * agent endpoints: what a person in the console does, without the console.
 */
import WebSocket from 'ws';
import type { ClientFrame, Conversation, Message, ReceiptKind, SdkToken, ServerFrame } from '../../../src/contract/extensions.ts';
import type { TestServer } from '../../helpers/server.ts';

export interface Agent {
  send(conversationId: string, body: string): Promise<Message>;
  /** Every message of the conversation on the server, oldest first. */
  messages(conversationId: string): Promise<Message[]>;
  close(conversationId: string): Promise<void>;
  /** The conversation as the console sees it. */
  conversation(conversationId: string): Promise<Conversation>;
  /** Confirms the visitor's messages up to `messageId`. */
  receipt(conversationId: string, messageId: string, kind: ReceiptKind): Promise<void>;
  edit(conversationId: string, messageId: string, body: string): Promise<void>;
  remove(conversationId: string, messageId: string): Promise<void>;
  /** Sets the agent's presence (feeds the visitors' availability). */
  presence(status: 'available' | 'busy' | 'offline'): Promise<void>;
  /** The agent's own realtime socket: every frame it gets, and a way to send some. */
  listen(): Promise<AgentSocket>;
}

export interface AgentSocket {
  readonly frames: ServerFrame[];
  send(frame: ClientFrame): void;
  close(): void;
}

/** The demo agent's token, minted through the Server API as the console's sign-in does. */
export async function demoAgentToken(server: Pick<TestServer, 'baseUrl' | 'serverApiKey'>): Promise<string> {
  const minted = (await (
    await fetch(`${server.baseUrl}/server/sdk-token/agent`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.serverApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'agent-demo' }),
    })
  ).json()) as { data: SdkToken };
  return minted.data.token;
}

export async function agentOf(server: TestServer): Promise<Agent> {
  const token = await demoAgentToken(server);
  const call = async <T>(method: string, path: string, body?: unknown, under = 'conversations/'): Promise<T> => {
    const response = await fetch(`${server.baseUrl}/agent-sdk/${under}${path}`, {
      method,
      headers: { 'X-Ringnity-SDK-Session': token, ...(body !== undefined && { 'content-type': 'application/json' }) },
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
    conversation: async (id) => (await call<{ conversation: Conversation }>('GET', id)).conversation,
    receipt: async (id, messageId, kind) => void (await call('POST', `${id}/messages/${messageId}/${kind}`)),
    edit: async (id, messageId, body) => void (await call('PATCH', `${id}/messages/${messageId}`, { body })),
    remove: async (id, messageId) => void (await call('DELETE', `${id}/messages/${messageId}`)),
    presence: async (status) => void (await call('PATCH', 'presence', { status }, '')),
    async listen() {
      const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/realtime`);
      const frames: ServerFrame[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data)) as ServerFrame;
          if (frame.type === 'ready') resolve();
          else frames.push(frame);
        });
        ws.on('error', reject);
      });
      return { frames, send: (frame) => ws.send(JSON.stringify(frame)), close: () => ws.close() };
    },
  };
}
