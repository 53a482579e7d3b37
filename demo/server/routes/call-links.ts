/**
 * `POST …/conversations/{id}/call-links` for visitors and agents (extensions.md §15): the same
 * body, checks and answer; only who may see the conversation differs.
 */
import type { Context } from 'hono';
import type { CallLink, CallLinkService } from '../../../src/contract/extensions.ts';
import type { components } from '../../../src/contract/openapi.d.ts';
import { assertCallService } from '../calls/gating.ts';
import { issueCallLink } from '../calls/links.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { type Viewer, findConversation } from '../store/conversations.ts';
import { conversationNotFound } from '../store/messages.ts';
import type { TenantRow } from '../store/tenants.ts';

type CallLinkRequest = components['schemas']['CallLinkRequest'];

/** Answers 201 `{ callLink }` for the conversation in the path, as `viewer` sees it. */
export async function createCallLink(deps: Deps, c: Context<AppEnv>, tenant: TenantRow, viewer: Viewer): Promise<Response> {
  const body = await readJson<CallLinkRequest>(c, 'CallLinkRequest');
  const service: CallLinkService = body.service ?? 'video_call';
  assertCallService(tenant, service);
  const id = c.req.param('conversationId') ?? '';
  const conversation = await findConversation(deps.db, viewer, id);
  if (!conversation) throw conversationNotFound(id);
  if (conversation.status === 'closed') {
    throw new ApiError(409, 'CONVERSATION_CLOSED', 'This conversation is closed. Start a new conversation to call.');
  }
  const callLink: CallLink = await issueCallLink(deps, new URL(c.req.url).origin, {
    tenantId: tenant.id,
    visitorId: conversation.visitor_id,
    conversationId: conversation.id,
    service,
  });
  return ok(c, { callLink }, 201);
}
