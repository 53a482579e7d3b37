/** Turning rows into API shapes for one request: attachment URLs are signed for the origin it was made on. */
import type { Context } from 'hono';
import type { Message } from '../../../src/contract/extensions.ts';
import type { AttachmentLinks } from '../attachments/links.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { type MessageRow, attachmentOwners, toMessage } from '../store/messages.ts';

export interface Presenter {
  links: AttachmentLinks;
  /** One message; its attachment URL is signed only if the attachment really belongs to it. */
  message(row: MessageRow): Promise<Message>;
  /** A page of messages (one query for their attachments). */
  messages(rows: MessageRow[]): Promise<Message[]>;
}

export function presenter(deps: Deps, c: Context<AppEnv>): Presenter {
  const links = deps.links.forOrigin(new URL(c.req.url).origin);
  const messages = async (rows: MessageRow[]) => {
    const owners = await attachmentOwners(deps.db, rows);
    return rows.map((row) => toMessage(row, links, owners));
  };
  return {
    links,
    messages,
    async message(row) {
      const [message] = await messages([row]);
      return message as Message;
    },
  };
}
