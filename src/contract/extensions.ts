/**
 * Types for our extensions to the Ringnity contract (see `extensions.md` beside this file)
 * and handy aliases for the generated contract types. Types only: no runtime code.
 */
import type { components } from './openapi.d.ts';

type Schemas = components['schemas'];

/** Error codes the contract defines. */
export type ContractErrorCode = Schemas['ErrorCode'];

/** Error codes the reference server and the runtime add (extensions.md §5). */
export const EXTENSION_ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'CONVERSATION_NOT_FOUND',
  'MESSAGE_NOT_FOUND',
  'AGENT_NOT_FOUND',
  'CONVERSATION_CLOSED',
  'ROUTE_NOT_FOUND',
  'INTERNAL_ERROR',
  // extensions.md §7–§12 (issue 3)
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_TYPE_NOT_ALLOWED',
  'ATTACHMENT_EMPTY',
  'ATTACHMENT_NOT_FOUND',
  'ATTACHMENT_LINK_INVALID',
  'ATTACHMENT_LIMIT_REACHED',
  // extensions.md §5, §7 (issue 8): an image over 40 megapixels; a JSON body nested deeper than 32 levels
  'ATTACHMENT_IMAGE_TOO_LARGE',
  'JSON_TOO_DEEP',
  'MESSAGE_EDIT_WINDOW_PASSED',
  'MESSAGE_NOT_EDITABLE',
  'RATING_NOT_ALLOWED',
  'PRE_CHAT_FORM_REQUIRED',
  // extensions.md §5: the reference server's demo-only console sign-in
  'DEMO_LOGIN_FAILED',
  // extensions.md §14 (issue 5): AI answers
  'CONVERSATION_HANDED_OFF',
  'KNOWLEDGE_ARTICLE_NOT_FOUND',
  // extensions.md §15 (issue 6): calls
  'CALL_IN_PROGRESS',
  'CALL_NOT_RINGING',
  'CALL_LINK_INVALID',
  'CALL_DEVICE_NOT_FOUND',
  'CALL_CONNECTION_FAILED',
  // extensions.md §5 (issue 8): a Server API key sent from a browser, or given to the SDK
  'SERVER_API_KEY_EXPOSED',
  // extensions.md §4 (issue 8): a request naming a host this server does not answer to
  'HOST_NOT_ALLOWED',
  // extensions.md §5 (issue 10): `/sdk/health` when the database or the cluster listener is down
  'SERVICE_UNAVAILABLE',
] as const;
export type ExtensionErrorCode = (typeof EXTENSION_ERROR_CODES)[number];

/** Every code a {@link ErrorEnvelope} or a `RuntimeError` can carry. */
export type ErrorCode = ContractErrorCode | ExtensionErrorCode;

/** The contract's error envelope, with the widened code union. */
export interface ErrorEnvelope {
  success: false;
  code: ErrorCode;
  message: string;
  details?: string[];
  detail?: Record<string, unknown>;
}

export type Tenant = Schemas['Tenant'];
export type ServiceKey = Schemas['ServiceKey'];
export type ServiceStatus = Schemas['ServiceStatus'];
export type ServiceCapability = Schemas['ServiceCapability'];
export type VisitorIdentity = Schemas['VisitorIdentity'];
export type CreateRuntimeSessionRequest = Schemas['CreateRuntimeSessionRequest'] & {
  /** extensions.md §3 */
  visitorCredential?: string;
};
export type SendMessageRequest = Schemas['SendMessageRequest'];
export type AgentProfile = Schemas['AgentProfile'];
export type Presence = Schemas['Presence'];
export type SdkToken = Schemas['SdkToken'];
export type Assignment = Schemas['Assignment'];

/** Branding the reference server puts in `RuntimeBootstrap.branding`. */
export interface Branding {
  /** Display name shown in the panel header. */
  name?: string;
  /** Launcher and accent colour, `#rrggbb`. */
  primaryColor?: string;
  /** First line the visitor sees in an empty conversation. */
  greeting?: string;
  /** The panel's colour scheme; absent: the visitor's `prefers-color-scheme`. */
  theme?: 'light' | 'dark';
  /** The tenant's interface language (BCP 47), used when the site sets none. */
  locale?: string;
  /** Logo in the panel header: an http(s) URL, or a path resolved against the API base. */
  logoUrl?: string;
}

/** `RuntimeBootstrap` with the branding and sdk objects typed as the reference server fills them. */
export type RuntimeBootstrap = Omit<Schemas['RuntimeBootstrap'], 'branding' | 'sdk'> & {
  branding?: Branding & Record<string, unknown>;
  sdk?: {
    /**
     * Where the realtime socket is, resolved like a link against the API base URL with a
     * trailing slash (`new URL(realtimePath, baseUrl + '/')`). The reference server sends
     * `realtime` (relative, so it works behind a path-prefixed proxy); an absolute URL also works.
     */
    realtimePath?: string;
    /** Largest message body the server accepts, in characters. */
    maxMessageLength?: number;
    /** extensions.md §10: whether to ask for name and email before the first message. */
    preChatForm?: 'off' | 'optional' | 'required';
    /** extensions.md §7: largest attachment in bytes. */
    maxUploadBytes?: number;
    /** extensions.md §7: MIME types an upload may be (checked by content, not by name). */
    uploadTypes?: string[];
    /** extensions.md §9: how long after sending a message it may be edited or deleted, in seconds. */
    editWindowSeconds?: number;
  } & Record<string, unknown>;
};

/** `RuntimeSession` plus extensions.md §3. */
export type RuntimeSession = Schemas['RuntimeSession'] & {
  visitorId: string;
  visitorCredential: string;
};

export type SenderType = 'visitor' | 'agent' | 'system' | 'ai';

/** A server message: the contract's `Message` plus extensions.md §1. */
export type Message = Schemas['Message'] & {
  messageId: string;
  conversationId: string;
  seq: number;
  senderType: SenderType;
  body: string;
  sentAt: string;
  senderName?: string;
  /** extensions.md §8: when the other side confirmed delivery / reading (this or a later message). */
  deliveredAt?: string;
  readAt?: string;
};

/** A conversation: the contract's `Conversation` plus extensions.md §1. */
export type Conversation = Schemas['Conversation'] & {
  lastSeq?: number;
  lastMessagePreview?: string;
  visitorName?: string;
  assignedAgentName?: string;
  /** extensions.md §10: the visitor's email, and whether name/email came from a signed context token. */
  visitorEmail?: string;
  visitorVerified?: boolean;
  /** extensions.md §11: the visitor's 1–5 rating once given. */
  rating?: number;
  /** extensions.md §10: the page the visitor is on (`pageUrl`, `pageTitle`) and the site's attributes. */
  visitorMetadata?: Record<string, unknown>;
};

/** Response data of the history extension (extensions.md §2). */
export interface MessageHistory {
  messages: Message[];
  hasMore: boolean;
}

/** Response data of `/chat/visitor/tickets/open`. */
export interface OpenTicket {
  conversation: Conversation | null;
}

/** Response data of `/chat/visitor/availability`. */
export interface Availability {
  available: boolean;
  status?: ServiceStatus;
  reason?: string;
  agentsOnline?: number;
  /** extensions.md §10: `online` (someone available), `away` (agents busy), `offline` (nobody signed in). */
  state?: AvailabilityState;
  /** extensions.md §10: the tenant's usual reply time, shown while away or offline. */
  expectedReplyMinutes?: number;
}

export type AvailabilityState = 'online' | 'away' | 'offline';

/** extensions.md §7: what an attachment message carries in `metadata.attachment`, and what an upload answers. */
export interface AttachmentInfo {
  attachmentId: string;
  /** The file name as uploaded (shown, never used as a path). */
  name: string;
  /** Bytes. */
  size: number;
  /** The type found in the file's content (not the declared one). */
  contentType: string;
  kind: AttachmentKind;
  /** Signed, expiring absolute URL; re-read the message to get a fresh one after `expiresAt`. */
  url: string;
  expiresAt: string;
}

export type AttachmentKind = 'image' | 'audio' | 'video' | 'document';

/** extensions.md §11: `metadata` of a `messageType: 'rating'` message. */
export interface RatingMetadata {
  rating: 1 | 2 | 3 | 4 | 5;
  comment?: string;
}

/** extensions.md §8: response data of the receipt endpoints. */
export interface ReceiptResult {
  conversationId: string;
  kind: ReceiptKind;
  /** Every message of the other side with `seq <= upToSeq` is now delivered/read. */
  upToSeq: number;
  by: 'visitor' | 'agent';
  at: string;
}

export type ReceiptKind = 'delivered' | 'read';

/** extensions.md §12: response data of `GET /chat/visitor/conversations`. */
export interface ConversationList {
  conversations: Conversation[];
  /** Pass as `cursor` for the next (older) page. */
  nextCursor?: string;
}

// ---------------------------------------------------------------- realtime (extensions.md §6)

export type ClientFrame =
  /** First frame of every socket; sent again after a token renewal to extend the socket (extensions.md §6). */
  | { type: 'auth'; token: string }
  | { type: 'ping'; t: number }
  /** extensions.md §6: the sender is (not) typing in a conversation it is a party of. */
  | { type: 'typing'; conversationId: string; typing: boolean }
  /** extensions.md §15: an offer, answer or ICE candidate for the other party of an answered call. */
  | { type: 'call.signal'; callId: string; signal: CallSignal };

export type ServerFrame =
  | { type: 'ready'; role: 'visitor' | 'agent'; subject: string; serverTime: string }
  | { type: 'pong'; t: number }
  /** extensions.md §6: a re-sent `auth` frame was accepted; the socket now lives until `expiresAt`. */
  | { type: 'auth.renewed'; expiresAt: string }
  | { type: 'message.created' | 'message.updated' | 'message.deleted'; conversationId: string; seq: number; message: Message }
  | { type: 'conversation.updated'; conversation: Conversation }
  | { type: 'error'; code: ErrorCode; message: string }
  /** extensions.md §8: the other party received or read every message of yours up to `upToSeq`. */
  | { type: 'receipt'; conversationId: string; kind: ReceiptKind; upToSeq: number; by: 'visitor' | 'agent'; at: string }
  /** extensions.md §6: the other party started or stopped typing. */
  | { type: 'typing'; conversationId: string; by: 'visitor' | 'agent'; name?: string; typing: boolean }
  /** extensions.md §10: the tenant's availability changed (visitor sockets only). */
  | { type: 'availability'; availability: Availability }
  /** extensions.md §14: the next piece of a streamed AI answer (visitor sockets only). */
  | AiDeltaFrame
  /** extensions.md §14: a streamed AI answer ended (visitor sockets only). */
  | AiDoneFrame
  /** extensions.md §15: a call of the visitor's conversations (agents: of the tenant) changed. */
  | { type: 'call.updated'; call: CallSession }
  /** extensions.md §15: the other party's offer, answer or ICE candidate. */
  | { type: 'call.signal'; callId: string; from: 'visitor' | 'agent'; signal: CallSignal };

// ---------------------------------------------------------------- calls (extensions.md §15)

/** Contract `CallSessionType`. */
export type CallType = Schemas['CallSessionType'];
/** Contract `CallSessionStatus`: `started → answered → ended`, or `missed` / `failed`. */
export type CallStatus = Schemas['CallSessionStatus'];

/** What the reference server keeps in a call's `metadata` (extensions.md §15). */
export interface CallMetadata {
  /** The agent who answered. */
  agentId?: string;
  agentName?: string;
  /** Who ended it; `server` for a ring timeout or a dropped party. */
  endedBy?: 'visitor' | 'agent' | 'server';
}

/** Contract `CallSession`, with the reference server's metadata. */
export type CallSession = Omit<Schemas['CallSession'], 'metadata'> & { metadata?: CallMetadata };

/** An `RTCIceServer` from the server's `ICE_SERVERS` (extensions.md §15). */
export interface CallIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** `POST /calls/sessions`, `GET /calls/sessions/{id}`, `POST /agent-sdk/calls/{id}/answer` (extensions.md §15). */
export interface CallSessionResult {
  callSession: CallSession;
  iceServers: CallIceServer[];
}

/** An ICE candidate as `RTCIceCandidate.toJSON()` gives it. */
export interface CallCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** The payload of a `call.signal` frame (extensions.md §15); a `null` candidate ends the trickle. */
export type CallSignal = { kind: 'offer' | 'answer'; sdp: string } | { kind: 'candidate'; candidate: CallCandidate | null };

/** Contract `CallLinkRequest.service`. */
export type CallLinkService = 'voice_call' | 'video_call';

/** `POST …/call-links` → `{ callLink }` (extensions.md §15). */
export interface CallLink {
  /** The call page, token in the fragment: open it in a new tab or send it to a phone. */
  url: string;
  service: CallLinkService;
  conversationId: string;
  expiresAt: string;
}

/** `POST /calls/link-session` (extensions.md §15): what the call page works with. */
export interface CallLinkSession {
  sessionToken: string;
  expiresAt: string;
  visitorId: string;
  conversationId: string;
  service: CallLinkService;
  tenant: { name: string; slug: string };
  iceServers: CallIceServer[];
}

// ---------------------------------------------------------------- AI answers (extensions.md §14)

/** Contract `AiRoutingEnvelope.mode`. */
export type AiRoutingMode = 'human_only' | 'ai_first' | 'ai_assisted';

/** Response data of `GET /ai/visitor/routing`. */
export interface AiRouting {
  mode: AiRoutingMode;
  /** Whether this visitor may ask the AI (`ai_first` and the engine ready). */
  canUseAi: boolean;
  /** Whether a person can take over (always true in the reference server: messages wait for an agent). */
  humanFallbackAvailable: boolean;
  /** `embedded` (the knowledge-base engine) or `provider` (an OpenAI-compatible model). */
  engine?: 'embedded' | 'provider';
}

/** A knowledge article an AI answer used, shown as a source link. */
export interface AiCitation {
  articleId: string;
  title: string;
  /** Where the article is published, relative to the site (`/help/<articleId>`). */
  url: string;
  heading?: string;
}

/** Why the AI recommends a person. */
export type AiHandoffReason = 'visitor_asked' | 'low_confidence' | 'engine_failed';

/** `metadata.ai` of a stored AI message (`senderType: 'ai'`), also in `AiChatResult.metadata`. */
export interface AiMessageMetadata {
  citations: AiCitation[];
  /** 0–1, how well the knowledge matched the question. */
  confidence: number;
  handoffRecommended: boolean;
  handoffReason?: AiHandoffReason;
  /** `embedded` or the provider's model name. */
  engine: string;
  /** `messageId` of the visitor question this answers. */
  replyTo: string;
  /**
   * The stream was stopped (the visitor's stop button, a person taking over, the server
   * stopping): the text is what had been shown, not a whole answer, and it never hands off.
   */
  cancelled?: boolean;
  /** The engine failed half way: the text ends with a fixed "I was cut off" and hands off (`engine_failed`). */
  truncated?: boolean;
}

/** Response data of `POST /ai/visitor/conversations` and `POST /ai/visitor/handoff`. */
export interface AiConversation {
  aiConversationId: string;
  conversationId: string;
  /** True once a person has taken over: send with `/chat/visitor/conversations/{id}/messages`. */
  handedOff: boolean;
  conversation: Conversation;
}

/** Response data of `POST /ai/visitor/chat` (contract `AiChatEnvelope.data`). */
export interface AiChatResult {
  aiConversationId: string;
  conversationId: string;
  /** The answer; `''` for a streamed request (the text arrives as `ai.delta` frames). */
  message: string;
  handoffRecommended?: boolean;
  metadata: {
    /** The stored visitor question. */
    questionMessageId: string;
    /** Streamed requests: the id the `ai.delta` / `ai.done` frames carry (and `/chat/cancel` takes). */
    streamId?: string;
    streaming?: boolean;
    /** JSON answers: the stored AI message. */
    messageId?: string;
    seq?: number;
    citations?: AiCitation[];
    confidence?: number;
    handoffReason?: AiHandoffReason;
    /** Whether the conversation was handed to a person with this answer. */
    handedOff?: boolean;
    engine?: string;
  };
}

/** One result of `POST /ai/visitor/knowledge/search`. */
export interface KnowledgeSearchResult {
  articleId: string;
  title: string;
  category: string;
  url: string;
  /** The best-matching passage's text, at most about 200 characters (plain text, never HTML). */
  snippet: string;
  heading?: string;
  /** 0–1 relevance. */
  score: number;
}

/** Response data of `GET /ai/visitor/knowledge/articles/{articleId}`. */
export interface KnowledgeArticle {
  articleId: string;
  title: string;
  category: string;
  url: string;
  /** The article as Markdown (headings, lists, tables, bold): render it as text nodes, never as HTML. */
  body: string;
}

/** extensions.md §14: a piece of a streamed AI answer. Pieces joined in `index` order are the answer. */
export interface AiDeltaFrame {
  type: 'ai.delta';
  conversationId: string;
  aiConversationId: string;
  streamId: string;
  /** 0, 1, 2, … per stream. */
  index: number;
  delta: string;
}

/** extensions.md §14: the end of a stream, with the stored AI message (absent when nothing was said). */
export interface AiDoneFrame {
  type: 'ai.done';
  conversationId: string;
  aiConversationId: string;
  streamId: string;
  message?: Message;
  handoffRecommended: boolean;
  /** Whether the conversation was handed to a person with this answer. */
  handedOff: boolean;
  cancelled: boolean;
}

// ---------------------------------------------------------------- AI for agents (extensions.md §14a)

/** Response data of `GET /agent-sdk/ai/routing`: the tenant's AI mode as the console needs it. */
export interface AgentAiRouting extends AiRouting {
  /** Whether `POST /agent-sdk/conversations/{id}/ai/suggestion` suggests replies (`ai_assisted` or `ai_first`, engine ready). */
  suggestions: boolean;
}

/** A reply the AI suggests to the agent, grounded in the knowledge base (extensions.md §14a). */
export interface AiReplySuggestion {
  /** The suggested text (plain text with the message formatting of §1: links, `**bold**`, line breaks). */
  body: string;
  /** The articles it quotes, best first (never empty). */
  citations: AiCitation[];
  /** 0–1, how well the knowledge matched the visitor's question. */
  confidence: number;
  /** The visitor text it answers (their messages since the last reply, joined). */
  question: string;
  /** `messageId` of the newest visitor message it answers. */
  replyTo: string;
  /** Always `embedded`: suggestions quote the knowledge base word for word. */
  engine: string;
}

/** Response data of `POST /agent-sdk/conversations/{id}/ai/suggestion`: `null` when there is nothing to suggest. */
export interface AiSuggestionResult {
  suggestion: AiReplySuggestion | null;
  /** Why there is no suggestion: `nothing_to_answer` (no visitor message waits for a reply) or `no_match` (the knowledge base does not answer it). */
  reason?: 'nothing_to_answer' | 'no_match';
}

/** One item of `GET /agent-sdk/ai/conversations`: a conversation the AI answered. */
export interface AgentAiConversationState {
  conversationId: string;
  aiConversationId: string;
  /** `ai`: the AI still answers; `handed_off`: a person has taken over. */
  status: 'ai' | 'handed_off';
  handoffReason?: AiHandoffReason | 'agent_joined';
}

/** Close code: the token of the `auth` frame is invalid. */
export const CLOSE_TOKEN_INVALID = 4001;
/** Close code: the token of the `auth` frame has expired. */
export const CLOSE_TOKEN_EXPIRED = 4002;
/** Close code: the client reads too slowly (its send buffer overflowed). */
export const CLOSE_SLOW_CONSUMER = 4008;

/**
 * WebSocket close codes of the realtime socket. The runtime imports the ones it needs one by one
 * (a bundler inlines a constant, not an object's property: bytes of the core's budget).
 */
export const CLOSE_CODES = {
  authTimeout: 4000,
  tokenInvalid: CLOSE_TOKEN_INVALID,
  tokenExpired: CLOSE_TOKEN_EXPIRED,
  slowConsumer: CLOSE_SLOW_CONSUMER,
  serviceRestart: 1012,
} as const;
