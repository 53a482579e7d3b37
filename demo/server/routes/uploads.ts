/**
 * Receiving attachment uploads (extensions.md §7), shared by the visitor route and the agent
 * extension route: multipart parsed by the web `FormData` parser (`c.req.parseBody()`), a body
 * limit that refuses an oversized upload from its `Content-Length` before reading it (or as soon
 * as a chunked body passes the limit), type checked by content, then stored. A refused upload
 * never touches the disk.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AttachmentInfo } from '../../../src/contract/extensions.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { ok } from '../http/envelope.ts';
import { bySession } from '../http/rate-limit.ts';
import { invalid } from '../http/validate.ts';
import { insertAttachment, toAttachmentInfo } from '../store/attachments.ts';
import { type Viewer, findConversation } from '../store/conversations.ts';
import { conversationNotFound } from '../store/messages.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import type { TenantRow } from '../store/tenants.ts';
import { describeRefused, extensionOf, sniff } from '../attachments/sniff.ts';
import { MAX_IMAGE_PIXELS, imageDimensions } from '../attachments/image-dimensions.ts';
import { storedName } from '../attachments/stored-name.ts';
import { presenter } from './present.ts';

/** Room for the multipart boundaries and part headers around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const MAX_NAME_LENGTH = 200;

/** Declared types and extensions the pre-check refuses outright (markup a browser could run). */
const MARKUP_TYPES = ['text/html', 'application/xhtml+xml', 'image/svg+xml', 'text/xml', 'application/xml'];
const MARKUP_EXTENSIONS = ['html', 'htm', 'svg', 'svgz', 'xml', 'xhtml'];

/** True for the upload endpoints, which the 64 KiB JSON body limit must not apply to. */
export function isUploadPath(path: string): boolean {
  return path.endsWith('/attachments/upload');
}

export function tooLarge(maxBytes: number, size?: number): ApiError {
  const mb = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  return new ApiError(
    413,
    'ATTACHMENT_TOO_LARGE',
    `The file is ${size === undefined ? 'larger than' : `${mb(size)}, over`} the ${mb(maxBytes)} limit for attachments.`,
  );
}

/** The tenant's upload limit as a body limit; runs after the auth guard that found the tenant. */
function uploadLimit(tenantOf: (c: Context<AppEnv>) => TenantRow): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const max = settingsOf(tenantOf(c)).maxUploadBytes;
    const limit = bodyLimit({
      maxSize: max + MULTIPART_OVERHEAD,
      onError: () => {
        throw tooLarge(max);
      },
    });
    return limit(c, next);
  };
}

export interface UploadTarget {
  tenant: TenantRow;
  viewer: Viewer;
  conversationId: string;
  uploader: { type: 'visitor' | 'agent'; id: string };
}

/**
 * An upload endpoint's handlers, after its auth guard: the per-session `uploads` bucket, the
 * tenant's body limit (before the body is read), then {@link receiveUpload}, answered 201 with
 * the attachment. The conversation is the path parameter `param`; `uploaderOf` says, from what
 * the guard found, who uploads and what it may see.
 */
export function uploadHandlers(deps: Deps, param: string, uploaderOf: (c: Context<AppEnv>) => Omit<UploadTarget, 'conversationId'>) {
  // The route's path always has the parameter; an empty id would only find no conversation (404).
  const targetOf = (c: Context<AppEnv>): UploadTarget => ({ ...uploaderOf(c), conversationId: c.req.param(param) ?? '' });
  return [
    bySession(deps, 'uploads'),
    uploadLimit((c) => uploaderOf(c).tenant),
    async (c: Context<AppEnv>) => ok(c, { attachment: await receiveUpload(deps, c, targetOf(c)) }, 201),
  ] as const;
}

/** Checks and stores the multipart `file` field; answers the attachment for a following message. */
export async function receiveUpload(deps: Deps, c: Context<AppEnv>, target: UploadTarget): Promise<AttachmentInfo> {
  const conversation = await findConversation(deps.db, target.viewer, target.conversationId);
  if (!conversation) throw conversationNotFound(target.conversationId);
  if (conversation.status === 'closed') {
    throw new ApiError(409, 'CONVERSATION_CLOSED', 'This conversation is closed. Start a new conversation to send files.');
  }
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Expected a multipart/form-data body with a "file" field, got "${type || 'none'}".`);
  }
  let form: Record<string, string | File>;
  try {
    form = await c.req.parseBody();
  } catch (error) {
    if (error instanceof ApiError) throw error; // the body limit
    invalid('body', 'is not a valid multipart/form-data body');
  }
  const file = form.file;
  if (file === undefined) invalid('file', 'is required (a multipart field named "file")');
  if (typeof file === 'string') invalid('file', 'must be a file, got a text field');
  const max = settingsOf(target.tenant).maxUploadBytes;
  if (file.size === 0) throw new ApiError(400, 'ATTACHMENT_EMPTY', `The file "${file.name}" is empty (0 bytes).`);
  if (file.size > max) throw tooLarge(max, file.size);

  const name = cleanName(file.name);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const found = await sniff(bytes, name, file.type);
  if (!found) throw new ApiError(415, 'ATTACHMENT_TYPE_NOT_ALLOWED', describeRefused(bytes, name, file.type));
  if (found.kind === 'image') checkImagePixels(bytes, name);
  // The download keeps this name: its extension must be the found type's (M1 of the review).
  const stored = storedName(name, found.contentType);

  await checkUnsentLimit(deps, target);
  const storageKey = await deps.uploads.save(bytes);
  try {
    const row = await insertAttachment(deps.db, {
      tenantId: target.tenant.id,
      conversationId: target.conversationId,
      uploader: target.uploader,
      name: stored,
      contentType: found.contentType,
      kind: found.kind,
      size: bytes.byteLength,
      storageKey,
    });
    return toAttachmentInfo(row, presenter(deps, c).links);
  } catch (error) {
    await deps.uploads.remove(storageKey);
    throw error;
  }
}

/** Refuses an image whose header declares no size or more than {@link MAX_IMAGE_PIXELS} (read, never decoded). */
function checkImagePixels(bytes: Uint8Array, name: string): void {
  const size = imageDimensions(bytes);
  if (!size) {
    throw new ApiError(415, 'ATTACHMENT_TYPE_NOT_ALLOWED', `The file "${name}" starts like an image but its header gives no width and height.`);
  }
  if (size.width * size.height > MAX_IMAGE_PIXELS) {
    const mp = Math.round((size.width * size.height) / 100_000) / 10;
    throw new ApiError(
      422,
      'ATTACHMENT_IMAGE_TOO_LARGE',
      `The image "${name}" is ${size.width} × ${size.height} pixels (${mp} megapixels), over the ${MAX_IMAGE_PIXELS / 1_000_000} megapixel limit.`,
    );
  }
}

/** Uploads one sender may have waiting for a message in one conversation. */
export const MAX_UNSENT_UPLOADS = 10;

/** Refuses an upload past {@link MAX_UNSENT_UPLOADS}: send (or let expire) the earlier ones first. */
async function checkUnsentLimit(deps: Deps, target: UploadTarget): Promise<void> {
  const [row] = await deps.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM attachments
     WHERE conversation_id = $1 AND uploader_type = $2 AND uploader_id = $3 AND message_id IS NULL AND deleted_at IS NULL`,
    [target.conversationId, target.uploader.type, target.uploader.id],
  );
  if ((row?.n ?? 0) >= MAX_UNSENT_UPLOADS) {
    throw new ApiError(
      409,
      'ATTACHMENT_LIMIT_REACHED',
      `You have ${MAX_UNSENT_UPLOADS} uploaded files in this conversation that no message uses yet. Send them, or wait 30 minutes for them to expire, before uploading more.`,
    );
  }
}

/**
 * `POST …/attachments` (metadata only): says before any byte is sent whether a file of this
 * name, type and size would be accepted. Only the upload's content check is final.
 */
export function preflight(tenant: TenantRow, input: { filename?: string; contentType?: string; size?: number }, uploadPath: string) {
  const max = settingsOf(tenant).maxUploadBytes;
  if (input.size !== undefined) {
    if (input.size === 0) throw new ApiError(400, 'ATTACHMENT_EMPTY', `The file "${input.filename ?? ''}" is empty (0 bytes).`);
    if (input.size < 0) invalid('size', 'must not be negative');
    if (input.size > max) throw tooLarge(max, input.size);
  }
  const declared = (input.contentType ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
  const ext = input.filename ? extensionOf(input.filename) : '';
  // Only markup is refused here; any other declared type is a hint (browsers send aliases such
  // as image/jpg or application/x-zip-compressed, and the upload decides by content anyway).
  if (MARKUP_TYPES.includes(declared) || MARKUP_EXTENSIONS.includes(ext)) {
    throw new ApiError(415, 'ATTACHMENT_TYPE_NOT_ALLOWED', `${input.filename ?? 'The file'} (${declared || ext}) is not allowed: markup files are never accepted.`);
  }
  return {
    accepted: true,
    ...(input.filename ? { name: cleanName(input.filename) } : {}),
    ...(input.size !== undefined ? { size: input.size } : {}),
    maxUploadBytes: max,
    upload: { path: uploadPath, field: 'file' },
  };
}

/**
 * A display name: no folders, no control characters, no bidi/format controls (which could make
 * `invoice\u202Efdp.exe` read as `invoiceexe.pdf`), not too long.
 */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, MAX_NAME_LENGTH);
  // `.` and `..` name folders, not files.
  return /^\.*$/.test(clean) ? 'file' : clean;
}
