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
}

/** `RuntimeBootstrap` with the branding and sdk objects typed as the reference server fills them. */
export type RuntimeBootstrap = Omit<Schemas['RuntimeBootstrap'], 'branding' | 'sdk'> & {
  branding?: Branding & Record<string, unknown>;
  sdk?: {
    /** Path or absolute URL of the realtime socket, e.g. `/api/realtime`. */
    realtimePath?: string;
    /** Largest message body the server accepts, in characters. */
    maxMessageLength?: number;
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
};

/** A conversation: the contract's `Conversation` plus extensions.md §1. */
export type Conversation = Schemas['Conversation'] & {
  lastSeq?: number;
  lastMessagePreview?: string;
  visitorName?: string;
  assignedAgentName?: string;
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
}

// ---------------------------------------------------------------- realtime (extensions.md §6)

export type ClientFrame = { type: 'auth'; token: string } | { type: 'ping'; t: number };

export type ServerFrame =
  | { type: 'ready'; role: 'visitor' | 'agent'; subject: string; serverTime: string }
  | { type: 'pong'; t: number }
  | { type: 'message.created' | 'message.updated' | 'message.deleted'; conversationId: string; seq: number; message: Message }
  | { type: 'conversation.updated'; conversation: Conversation }
  | { type: 'error'; code: ErrorCode; message: string };

/** WebSocket close codes of the realtime socket. */
export const CLOSE_CODES = {
  authTimeout: 4000,
  tokenInvalid: 4001,
  tokenExpired: 4002,
  slowConsumer: 4008,
  serviceRestart: 1012,
} as const;
