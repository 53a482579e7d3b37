/**
 * ringnity-web runtime core: framework-free, no DOM needed at import.
 * @packageDocumentation
 */
export { createRuntime } from './runtime.ts';
export { RuntimeError, isRuntimeError } from './errors.ts';
export { createIdbStorage, createMemoryStorage } from './storage.ts';
export type { RuntimeErrorOptions } from './errors.ts';
export type { AiAnswer, AiChat, AiStreamingAnswer } from './ai/types.ts';
export type { ActiveCall, CallDevice, CallHost, CallPhase, CallStats, Calls } from './calls/types.ts';
export type { DevicePushPlatform, DevicePushProvider, DevicePushToken, DeviceRegistration, DeviceUnregistration, Devices } from './devices/types.ts';
export type {
  ChatAttachment,
  ChatMessage,
  ConversationHandle,
  ConversationsApi,
  FileSend,
  MessageState,
  MessageType,
  Rating,
  Runtime,
  RuntimeEvents,
  RuntimeOptions,
  RuntimeStatus,
  RuntimeStorage,
  TypingState,
  UploadProgress,
  UploadRequest,
  UploadResponse,
  UploadTransport,
  WebSocketFactory,
  WebSocketLike,
} from './types.ts';
export type {
  AiCitation,
  AiHandoffReason,
  AiMessageMetadata,
  AiRouting,
  AiRoutingMode,
  KnowledgeArticle,
  KnowledgeSearchResult,
} from './contract/extensions.ts';
export type {
  AttachmentInfo,
  AttachmentKind,
  Availability,
  AvailabilityState,
  Branding,
  CallLink,
  CallLinkService,
  CallSession,
  CallStatus,
  CallType,
  Conversation,
  ErrorCode,
  Message,
  RuntimeBootstrap,
  SenderType,
  ServiceCapability,
  ServiceKey,
  ServiceStatus,
  Tenant,
  VisitorIdentity,
} from './contract/extensions.ts';
