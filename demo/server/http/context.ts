/** What every route handler can reach: shared services and the caller's verified identity. */
import type { SdkToken } from '../../../src/contract/extensions.ts';
import type { Database } from '../db/database.ts';
import type { ServerConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { TokenClaims, TokenService } from '../auth/tokens.ts';
import type { Hub } from '../realtime/hub.ts';
import type { TypingRelay } from '../realtime/typing.ts';
import type { AttachmentLinkService } from '../attachments/links.ts';
import type { UploadStorage } from '../attachments/storage.ts';
import type { FilesOrigin } from '../attachments/files-origin.ts';
import type { TenantRow } from '../store/tenants.ts';
import type { VisitorRow } from '../store/visitors.ts';
import type { AgentRow } from '../store/agents.ts';
import type { RateLimitStore } from '../limits/store.ts';
import type { AiService } from '../ai/service.ts';
import type { CallService } from '../calls/call-service.ts';

/** Services built once at startup and handed to every route module. */
export interface Deps {
  db: Database;
  tokens: TokenService;
  hub: Hub;
  config: ServerConfig;
  log: Logger;
  /** Signs and checks attachment URLs. */
  links: AttachmentLinkService;
  /** The separate origin that serves the files (the API only redirects there). */
  filesOrigin: FilesOrigin;
  /** Where uploaded files are kept. */
  uploads: UploadStorage;
  /** Typing indicators (routes end one when its sender sends a message). */
  typing: TypingRelay;
  /** Rate-limit counters (extensions.md §13); the rules are in `config.rateLimits`. */
  rateLimitStore: RateLimitStore;
  /** The server's one AI (extensions.md §14): knowledge index, engine, streams in flight. */
  ai: AiService;
  /** Calls (extensions.md §15): state changes, their frames and records, ring and drop timers, signaling. */
  calls: CallService;
  /** Mints an agent token: the one code path behind the Server API and the demo login. */
  issueAgentToken(tenant: TenantRow, agent: AgentRow, ttlSeconds: number): Promise<SdkToken>;
}

export interface VisitorAuth {
  tenant: TenantRow;
  visitor: VisitorRow;
  claims: TokenClaims;
}

export interface AgentAuth {
  tenant: TenantRow;
  agent: AgentRow;
  claims: TokenClaims;
}

/** Hono environment: variables the auth guards set. */
export interface AppEnv {
  Variables: {
    visitorAuth: VisitorAuth;
    agentAuth: AgentAuth;
    serverTenant: TenantRow;
  };
}
