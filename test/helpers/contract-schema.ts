/**
 * Validates response bodies against the vendored contract: the schema the contract names for
 * a path, method and status (exact status, then `4XX`-style ranges, then `default`). The
 * contract's `ErrorCode` is widened with our extension codes (extensions.md §5), and the
 * extension endpoints/fields get their own schemas written against the contract's `Message`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { EXTENSION_ERROR_CODES } from '../../src/contract/extensions.ts';

const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2020) => Ajv2020;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SPEC_PATH = path.join(ROOT, 'src/contract/ringnity-openapi.json');
const SPEC_ID = 'contract';

interface Operation {
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: object }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { enum?: string[] }>; responses: Record<string, { content?: Record<string, { schema?: object }> }> };
}

const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
const errorCode = spec.components.schemas.ErrorCode;
if (errorCode?.enum) errorCode.enum = [...errorCode.enum, ...EXTENSION_ERROR_CODES];

const ref = (name: string) => ({ $ref: `${SPEC_ID}#/components/schemas/${name}` });

/** A message as extensions.md §1 promises it: the contract's Message plus required fields. */
const EXT_MESSAGE = {
  allOf: [
    ref('Message'),
    {
      type: 'object',
      required: ['messageId', 'conversationId', 'seq', 'senderType', 'body', 'sentAt'],
      properties: {
        seq: { type: 'integer', minimum: 1 },
        senderType: { enum: ['visitor', 'agent', 'system', 'ai'] },
        senderName: { type: 'string' },
      },
    },
  ],
};

/** extensions.md §7: an uploaded attachment, as uploads answer it and messages carry it. */
const EXT_ATTACHMENT = {
  type: 'object',
  required: ['attachmentId', 'name', 'size', 'contentType', 'kind', 'url', 'expiresAt'],
  properties: {
    attachmentId: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    size: { type: 'integer', minimum: 1 },
    contentType: { type: 'string', minLength: 1 },
    kind: { enum: ['image', 'audio', 'video', 'document'] },
    url: { type: 'string', format: 'uri' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
};

/** extensions.md §8: what the receipt endpoints answer and the `receipt` frame carries. */
const EXT_RECEIPT = {
  type: 'object',
  required: ['conversationId', 'kind', 'upToSeq', 'by', 'at'],
  properties: {
    conversationId: { type: 'string' },
    kind: { enum: ['delivered', 'read'] },
    upToSeq: { type: 'integer', minimum: 1 },
    by: { enum: ['visitor', 'agent'] },
    at: { type: 'string', format: 'date-time' },
  },
};

/** extensions.md §1, §10, §11: a conversation with our extra fields typed. */
const EXT_CONVERSATION = {
  allOf: [
    ref('Conversation'),
    {
      type: 'object',
      required: ['visitorVerified', 'lastSeq'],
      properties: {
        lastSeq: { type: 'integer', minimum: 0 },
        visitorVerified: { type: 'boolean' },
        visitorEmail: { type: 'string' },
        rating: { type: 'integer', minimum: 1, maximum: 5 },
      },
    },
  ],
};

/** extensions.md §14: a knowledge article an AI text quotes. */
const EXT_CITATION = {
  type: 'object',
  required: ['articleId', 'title', 'url'],
  properties: { articleId: { type: 'string', minLength: 1 }, title: { type: 'string', minLength: 1 }, url: { type: 'string', pattern: '^/' }, heading: { type: 'string' } },
};

/** extensions.md §14a: a reply the AI suggests to an agent. */
const EXT_REPLY_SUGGESTION = {
  type: 'object',
  required: ['body', 'citations', 'confidence', 'question', 'replyTo', 'engine'],
  additionalProperties: false,
  properties: {
    body: { type: 'string', minLength: 1 },
    citations: { type: 'array', minItems: 1, items: EXT_CITATION },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    question: { type: 'string', minLength: 1 },
    replyTo: { type: 'string', minLength: 1 },
    engine: { type: 'string', minLength: 1 },
  },
};

/**
 * extensions.md §15: a call as the reference server answers it — the contract's CallSession,
 * with `durationSeconds`/`endReason` always present (null until final) and the server's metadata keys.
 */
const EXT_CALL_SESSION = {
  allOf: [
    ref('CallSession'),
    {
      type: 'object',
      required: ['startedAt', 'durationSeconds', 'endReason', 'metadata'],
      properties: {
        durationSeconds: { oneOf: [{ type: 'null' }, { type: 'integer', minimum: 0 }] },
        endReason: { oneOf: [{ type: 'null' }, { enum: ['no_answer', 'cancelled', 'declined', 'hangup', 'connection_lost', 'media_failed', 'connection_failed'] }] },
        metadata: {
          type: 'object',
          properties: { agentId: { type: 'string' }, agentName: { type: 'string' }, endedBy: { enum: ['visitor', 'agent', 'server'] } },
        },
      },
    },
  ],
};

/** extensions.md §15: an `RTCIceServer` from the server's `ICE_SERVERS`. */
const EXT_ICE_SERVER = {
  type: 'object',
  required: ['urls'],
  properties: {
    urls: { oneOf: [{ type: 'string', pattern: '^(stuns?|turns?):' }, { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(stuns?|turns?):' } }] },
    username: { type: 'string' },
    credential: { type: 'string' },
  },
};
const ICE_SERVERS = { type: 'array', items: EXT_ICE_SERVER };
const CALL_SERVICE = { enum: ['voice_call', 'video_call'] };

/** extensions.md §15: `{ callLink }`, the call page's URL with the token in its fragment. */
const EXT_CALL_LINK = {
  type: 'object',
  required: ['url', 'service', 'conversationId', 'expiresAt'],
  properties: {
    url: { type: 'string', format: 'uri', pattern: '/call/#[^#]+$' },
    service: CALL_SERVICE,
    conversationId: { type: 'string', minLength: 1 },
    expiresAt: { type: 'string', format: 'date-time' },
  },
};

const envelope = (data: object) => ({ type: 'object', required: ['success', 'data'], properties: { success: { const: true }, data } });
const messageData = (extra: Record<string, object> = {}) =>
  envelope({ type: 'object', required: ['message', ...Object.keys(extra)], properties: { message: EXT_MESSAGE, ...extra } });

const callSessionData = (extra: Record<string, object> = {}) =>
  envelope({ type: 'object', required: ['callSession', ...Object.keys(extra)], properties: { callSession: EXT_CALL_SESSION, ...extra } });

/**
 * Extension endpoints the contract does not have (extensions.md §2, §7–§15), and contract
 * endpoints whose answer our extension makes stricter (keyed by the contract's own path template).
 */
const EXTENSION_RESPONSES: Record<string, object> = {
  'GET /chat/visitor/conversations 200': envelope({
    type: 'object',
    required: ['conversations'],
    properties: { conversations: { type: 'array', items: EXT_CONVERSATION }, nextCursor: { type: 'string' } },
  }),
  'POST /agent-sdk/conversations/{id}/attachments/upload 201': envelope({
    type: 'object',
    required: ['attachment'],
    properties: { attachment: EXT_ATTACHMENT },
  }),
  'PATCH /agent-sdk/conversations/{id}/messages/{messageId} 200': messageData(),
  'DELETE /agent-sdk/conversations/{id}/messages/{messageId} 200': messageData({ deleted: { const: true } }),
  'POST /agent-sdk/conversations/{id}/messages/{messageId}/delivered 200': envelope(EXT_RECEIPT),
  // extensions.md §14a: the AI's help for agents.
  'GET /agent-sdk/ai/routing 200': envelope({
    type: 'object',
    required: ['mode', 'canUseAi', 'humanFallbackAvailable', 'engine', 'suggestions'],
    properties: {
      mode: { enum: ['human_only', 'ai_first', 'ai_assisted'] },
      canUseAi: { type: 'boolean' },
      humanFallbackAvailable: { type: 'boolean' },
      engine: { enum: ['embedded', 'provider'] },
      suggestions: { type: 'boolean' },
    },
  }),
  'GET /agent-sdk/ai/conversations 200': envelope({
    type: 'object',
    required: ['conversations'],
    properties: {
      conversations: {
        type: 'array',
        items: {
          type: 'object',
          required: ['conversationId', 'aiConversationId', 'status'],
          properties: {
            conversationId: { type: 'string' },
            aiConversationId: { type: 'string' },
            status: { enum: ['ai', 'handed_off'] },
            handoffReason: { enum: ['visitor_asked', 'low_confidence', 'engine_failed', 'agent_joined'] },
          },
        },
      },
    },
  }),
  'POST /agent-sdk/conversations/{id}/ai/suggestion 200': envelope({
    type: 'object',
    required: ['suggestion'],
    properties: {
      suggestion: { oneOf: [{ type: 'null' }, EXT_REPLY_SUGGESTION] },
      reason: { enum: ['nothing_to_answer', 'no_match'] },
    },
  }),
  // extensions.md §15: calls. The contract's call endpoints answer more than it says (ICE servers, the link).
  'POST /calls/sessions 201': callSessionData({ iceServers: ICE_SERVERS }),
  'GET /calls/sessions/{callSessionId} 200': callSessionData({ iceServers: ICE_SERVERS }),
  'PATCH /calls/sessions/{callSessionId}/end 200': callSessionData(),
  'GET /agent-sdk/calls 200': envelope({
    type: 'object',
    required: ['callSessions'],
    properties: { callSessions: { type: 'array', maxItems: 100, items: EXT_CALL_SESSION } },
  }),
  'POST /agent-sdk/calls/{id}/answer 200': callSessionData({ iceServers: ICE_SERVERS }),
  'POST /chat/visitor/conversations/{conversationId}/call-links 201': envelope({ type: 'object', required: ['callLink'], properties: { callLink: EXT_CALL_LINK } }),
  'POST /agent-sdk/conversations/{id}/call-links 201': envelope({ type: 'object', required: ['callLink'], properties: { callLink: EXT_CALL_LINK } }),
  'POST /calls/link-session 201': envelope({
    type: 'object',
    required: ['sessionToken', 'expiresAt', 'visitorId', 'conversationId', 'service', 'tenant', 'iceServers'],
    properties: {
      sessionToken: { type: 'string', minLength: 1 },
      expiresAt: { type: 'string', format: 'date-time' },
      visitorId: { type: 'string', minLength: 1 },
      conversationId: { type: 'string', minLength: 1 },
      service: CALL_SERVICE,
      tenant: { type: 'object', required: ['name', 'slug'], properties: { name: { type: 'string' }, slug: { type: 'string' } } },
      iceServers: ICE_SERVERS,
    },
  }),
  // Answers a file, not JSON; listed so its error envelopes are checked.
  'GET /attachments/{attachmentId} 200': {},
  'GET /chat/visitor/conversations/{conversationId}/messages 200': {
    type: 'object',
    required: ['success', 'data'],
    properties: {
      success: { const: true },
      data: {
        type: 'object',
        required: ['messages', 'hasMore'],
        properties: { messages: { type: 'array', items: EXT_MESSAGE }, hasMore: { type: 'boolean' } },
      },
    },
  },
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });
ajv.addSchema({ ...EXT_MESSAGE, $id: 'ExtMessage' });
ajv.addSchema({ ...EXT_ATTACHMENT, $id: 'ExtAttachment' });
ajv.addSchema({ ...EXT_RECEIPT, $id: 'ExtReceipt' });
ajv.addSchema({ ...EXT_CONVERSATION, $id: 'ExtConversation' });
ajv.addSchema({ ...EXT_CALL_SESSION, $id: 'ExtCallSession' });

const EXT_NAMES = new Set(['ExtMessage', 'ExtAttachment', 'ExtReceipt', 'ExtConversation', 'ExtCallSession']);

const compiled = new Map<string, ValidateFunction>();

function templateFor(concretePath: string): string {
  const clean = concretePath.split('?')[0] ?? concretePath;
  if (spec.paths[clean] || EXTENSION_RESPONSES[`GET ${clean} 200`]) return clean;
  const candidates = [...Object.keys(spec.paths), ...Object.keys(EXTENSION_RESPONSES).map((k) => k.split(' ')[1] ?? '')];
  for (const template of candidates) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(clean)) return template;
  }
  throw new Error(`The contract has no path matching ${clean}`);
}

function schemaFor(method: string, template: string, status: number): object {
  const extension = EXTENSION_RESPONSES[`${method} ${template} ${status}`];
  if (extension) return extension;
  const operation = spec.paths[template]?.[method.toLowerCase()];
  if (!operation && status >= 400) return ref('ErrorEnvelope'); // extension endpoints: errors are envelopes
  if (!operation) throw new Error(`The contract has no ${method} ${template}`);
  const responses = operation.responses ?? {};
  let response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  // A repeated idempotent create answers 200 with the same body as its documented 201
  // (clientMessageId repeats, the visitor's already-open conversation).
  if (!response && status >= 200 && status < 300) {
    response = Object.entries(responses).find(([code]) => code.startsWith('2'))?.[1];
  }
  // extensions.md §5: every error is the contract's ErrorEnvelope, also where an operation lists none.
  if (!response && status >= 400) return ref('ErrorEnvelope');
  if (!response) throw new Error(`The contract has no ${status} response for ${method} ${template}`);
  if (response.$ref) {
    response = spec.components.responses[response.$ref.split('/').pop() ?? ''] ?? {};
  }
  const schema = response.content?.['application/json']?.schema;
  if (!schema) throw new Error(`No JSON schema for ${status} of ${method} ${template}`);
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${SPEC_ID}#/components/`)) as object;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/**
 * Throws (failing the test) unless `body` matches the schema the contract names for
 * `method path status`. `path` may be concrete (`/chat/visitor/conversations/conv_1`) and is
 * relative to `/api`.
 */
export function expectMatchesContract(method: string, path: string, status: number, body: unknown): void {
  const upper = method.toUpperCase();
  const template = templateFor(path);
  const key = `${upper} ${template} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schemaFor(upper, template, status));
    compiled.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(`${key} does not match the contract:\n${describe(validate.errors)}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
}

/**
 * Throws unless `value` matches a contract component schema (e.g. `Message`, `Conversation`) or
 * one of our extension shapes: `ExtMessage`, `ExtAttachment`, `ExtReceipt`, `ExtConversation`,
 * `ExtCallSession`.
 */
export function expectMatchesSchema(name: string, value: unknown): void {
  const validate = EXT_NAMES.has(name) ? ajv.getSchema(name) : ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
  if (!validate) throw new Error(`No schema ${name}`);
  if (!validate(value)) throw new Error(`value does not match ${name}:\n${describe(validate.errors)}\nvalue: ${JSON.stringify(value).slice(0, 2000)}`);
}
