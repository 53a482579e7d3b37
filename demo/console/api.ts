/**
 * The agent endpoints the console uses (`/api/agent-sdk/*`), over the core's HTTP client with
 * the agent token in `X-Ringnity-SDK-Session`. Response shapes come from the contract and
 * `src/contract/extensions.ts`; uploads go through {@link uploadFile} (XHR, for real progress).
 */
import type {
  AgentAiConversationState,
  AgentAiRouting,
  AgentProfile,
  Assignment,
  AttachmentInfo,
  AiSuggestionResult,
  CallLink,
  CallLinkService,
  CallSession,
  Conversation,
  Message,
  Presence,
  ReceiptKind,
} from '../../src/contract/extensions.ts';
import { keepaliveRequest } from '../../src/calls/keepalive.ts';
import { readAfter } from '../../src/history.ts';
import { createHttp } from '../../src/http.ts';
import type { AgentAuth } from './auth.ts';
import { uploadFile, type Upload } from './upload.ts';

export type PresenceStatus = 'available' | 'busy' | 'offline';
export type ConversationFilter = 'open' | 'closed' | 'all';

export interface AgentApi {
  me(): Promise<AgentProfile | null>;
  /** Conversations by status, newest activity first. */
  conversations(status?: ConversationFilter): Promise<Conversation[]>;
  conversation(id: string): Promise<Conversation | null>;
  /** The newest `limit` messages, oldest first. */
  messages(id: string, limit?: number): Promise<Message[]>;
  /**
   * Reads every message after `after` (a watermark: all messages up to it are held), page by
   * page until the server has no more, handing each page to `onPage`; resolves with the new
   * watermark (the core's shared reader, `src/history.ts`).
   */
  readAfter(id: string, after: number, onPage: (messages: Message[]) => void): Promise<number>;
  /** Sends a text message, or (with `attachmentId`) a file message with an optional caption. */
  send(id: string, body: string, clientMessageId: string, attachment?: AttachmentInfo): Promise<Message | null>;
  edit(id: string, messageId: string, body: string): Promise<Message | null>;
  remove(id: string, messageId: string): Promise<Message | null>;
  /** Marks every visitor message up to `messageId` delivered or read (extensions.md §8). */
  receipt(id: string, messageId: string, kind: ReceiptKind): Promise<void>;
  /** Starts an upload into the conversation; progress and the result come through the returned handle. */
  upload(id: string, file: File, onProgress: (fraction: number) => void): Upload<AttachmentInfo>;
  presence(): Promise<Presence>;
  setPresence(status: PresenceStatus): Promise<Presence>;
  assignToMe(id: string): Promise<Conversation | null>;
  close(id: string): Promise<Conversation | null>;
  /** The tenant's AI mode and whether replies can be suggested (extensions.md §14a). */
  aiRouting(): Promise<AgentAiRouting>;
  /** A reply suggested for the visitor's pending messages, or `suggestion: null` with a reason. */
  suggestion(id: string, signal?: AbortSignal): Promise<AiSuggestionResult>;
  /** The AI state of those of `ids` (at most 100) that the AI answered or handed off. */
  aiStates(ids: readonly string[]): Promise<AgentAiConversationState[]>;
  /** The tenant's calls still ringing or in progress (extensions.md §15), for a console that opens mid-ring. */
  liveCalls(): Promise<CallSession[]>;
  /** A call page link for the conversation's visitor (extensions.md §15), to send into the chat. */
  callLink(id: string, service: CallLinkService): Promise<CallLink>;
  /** A JSON request with the agent token, the envelope's `data` back: what a `CallHost` needs (`keepalive`: a hang-up as the tab closes). */
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, options?: { readonly keepalive?: boolean }): Promise<T>;
}

/** The reference server's API on the console's own origin (where the demo serves both). */
export const defaultApiBase = (): string => new URL('/api', location.href).href;

export function createAgentApi(auth: AgentAuth, baseUrl = defaultApiBase()): AgentApi {
  const http = createHttp({
    baseUrl,
    getToken: () => auth.getToken(),
    onAuthError: () => auth.refresh(),
  });
  const path = (id: string, rest = '') => `agent-sdk/conversations/${encodeURIComponent(id)}${rest}`;
  const messagePath = (id: string, messageId: string, rest = '') => path(id, `/messages/${encodeURIComponent(messageId)}${rest}`);
  return {
    me: async () => (await http.get<{ agent?: AgentProfile }>('agent-sdk/me')).agent ?? null,
    conversations: async (status = 'open') =>
      (await http.get<{ conversations: Conversation[] }>('agent-sdk/conversations', { searchParams: { status, limit: 100 } })).conversations,
    conversation: async (id) => (await http.get<{ conversation?: Conversation }>(path(id))).conversation ?? null,
    messages: async (id, limit = 50) => (await http.get<{ messages?: Message[] }>(path(id, '/messages'), { searchParams: { limit } })).messages ?? [],
    readAfter: (id, after, onPage) => readAfter(http, path(id, '/messages'), after, onPage),
    send: async (id, body, clientMessageId, attachment) =>
      (
        await http.post<{ message?: Message }>(
          path(id, '/messages'),
          attachment
            ? { body, messageType: attachment.kind, metadata: { attachmentId: attachment.attachmentId }, clientMessageId }
            : { body, messageType: 'text', clientMessageId },
        )
      ).message ?? null,
    edit: async (id, messageId, body) => (await http.patch<{ message?: Message }>(messagePath(id, messageId), { body })).message ?? null,
    remove: async (id, messageId) => (await http.del<{ message?: Message }>(messagePath(id, messageId))).message ?? null,
    receipt: async (id, messageId, kind) => {
      await http.post(messagePath(id, messageId, `/${kind}`));
    },
    upload: (id, file, onProgress) =>
      uploadFile<{ attachment: AttachmentInfo }, AttachmentInfo>({
        url: `${baseUrl.replace(/\/$/, '')}/${path(id, '/attachments/upload')}`,
        file,
        getToken: () => auth.getToken(),
        onProgress,
        pick: (data) => data.attachment,
      }),
    presence: () => http.get<Presence>('agent-sdk/presence'),
    setPresence: (status) => http.patch<Presence>('agent-sdk/presence', { status }),
    assignToMe: async (id) =>
      (await http.post<{ assignment: Assignment; conversation?: Conversation }>(path(id, '/assign'), { isTransfer: false })).conversation ??
      null,
    close: async (id) => (await http.post<{ conversation?: Conversation }>(path(id, '/close'))).conversation ?? null,
    aiRouting: () => http.get<AgentAiRouting>('agent-sdk/ai/routing'),
    suggestion: (id, signal) => http.post<AiSuggestionResult>(path(id, '/ai/suggestion'), undefined, signal ? { signal } : {}),
    aiStates: async (ids) =>
      (await http.get<{ conversations: AgentAiConversationState[] }>('agent-sdk/ai/conversations', { searchParams: { conversationIds: ids.join(',') } }))
        .conversations,
    liveCalls: async () =>
      (await http.get<{ callSessions: CallSession[] }>('agent-sdk/calls', { searchParams: { status: 'started,answered' } })).callSessions,
    callLink: async (id, service) => (await http.post<{ callLink: CallLink }>(path(id, '/call-links'), { service })).callLink,
    request: async <T>(method: 'GET' | 'POST' | 'PATCH', to: string, body?: unknown, how?: { readonly keepalive?: boolean }) =>
      // A hang-up as the tab closes must outlive it.
      how?.keepalive
        ? keepaliveRequest<T>(baseUrl, await auth.getToken(), method, to, body)
        : method === 'GET'
          ? http.get<T>(to)
          : method === 'POST'
            ? http.post<T>(to, body)
            : http.patch<T>(to, body),
  };
}
