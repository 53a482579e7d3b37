/** Turning rows into API shapes for one request: attachment URLs are signed for the origin it was made on. */
import type { Context } from 'hono';
import type { Message } from '../../../src/contract/extensions.ts';
import type { AttachmentLinks } from '../attachments/links.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { type MessageRow, toMessage } from '../store/messages.ts';

export interface Presenter {
  links: AttachmentLinks;
  message(row: MessageRow): Message;
}

export function presenter(deps: Deps, c: Context<AppEnv>): Presenter {
  const links = deps.links.forOrigin(new URL(c.req.url).origin);
  return { links, message: (row) => toMessage(row, links) };
}
