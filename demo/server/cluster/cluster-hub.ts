/**
 * The `Hub` the routes publish to, for one instance among several on one database (or alone on
 * PGlite: the same events, delivered in-process). Every publish becomes a bus event naming rows
 * by id; every instance hears it and hands the frame to its own sockets through the local hub.
 * The publisher uses the objects the route gave it; the others read the rows they need (one
 * query per kind for a whole burst, none when no socket there wants them). Socket presence is
 * cluster-wide (see presence.ts).
 */
import type { Conversation, Message, ServerFrame } from '../../../src/contract/extensions.ts';
import type { AttachmentLinkService } from '../attachments/links.ts';
import type { Database } from '../db/database.ts';
import { type ConversationRow, findConversationsByIds, toConversation } from '../store/conversations.ts';
import { type MessageRow, attachmentOwners, toMessage } from '../store/messages.ts';
import type { Hub, LocalHub, Subscriber } from '../realtime/hub.ts';
import type { Bus } from './bus.ts';
import { type Audience, type ClusterEvent, type Delivered, type FrameEvent, type Held, INLINE_FRAME_TYPES, MAX_INLINE_BYTES } from './events.ts';
import type { ClusterPresence, SocketInfo } from './presence.ts';

export interface ClusterHubOptions {
  db: Database;
  bus: Bus;
  local: LocalHub;
  presence: ClusterPresence;
  links: AttachmentLinkService;
  /** A sender sent a message somewhere in the cluster: its typing indicator here ends. */
  onTypingStop(role: 'visitor' | 'agent', subject: string, conversationId: string): void;
}

export interface ClusterHub extends Hub {
  /** Delivers a batch of events heard on the bus (in order). */
  deliver(events: Delivered[]): Promise<void>;
  /** Reloads the others' sockets from the database (after a LISTEN gap, and now and then), telling presence listeners what changed. */
  resyncPresence(): Promise<void>;
}

export function createClusterHub(options: ClusterHubOptions): ClusterHub {
  const { db, bus, local, presence } = options;
  const listeners: Array<(subscriber: Subscriber, present: boolean) => void> = [];
  const tell = (subscriber: Subscriber, present: boolean) => {
    for (const listener of listeners) listener(subscriber, present);
  };

  /** Inline when it carries ids and states only and is small; else stored, the event naming its row. */
  const frame = (audience: Audience, value: ServerFrame) => {
    // Alone, nothing goes on a wire: every frame is "inline" (the object itself).
    if (bus.inProcess) {
      bus.publish({ k: 'f', ...audience, f: value } as FrameEvent);
      return;
    }
    const text = JSON.stringify(value);
    if (INLINE_FRAME_TYPES.has(value.type) && Buffer.byteLength(text) <= MAX_INLINE_BYTES) {
      bus.publish({ k: 'f', ...audience, f: value } as FrameEvent);
      return;
    }
    bus.publish(
      db.query<{ id: string }>('INSERT INTO cluster_frames (frame) VALUES ($1) RETURNING id::text AS id', [text]).then(([row]) =>
        row ? ({ k: 'f', ...audience, r: row.id } as FrameEvent) : undefined,
      ),
      { frame: value },
    );
  };

  /** Someone's socket elsewhere: enough of a subscriber for presence listeners (it is never sent to). */
  const remote = (info: SocketInfo): Subscriber => ({ ...info, send: () => undefined });

  const toLocal = (audience: Audience, value: ServerFrame) => {
    switch (audience.to) {
      case 'pub':
        local.toAgents(audience.t, value);
        if (audience.v !== undefined) local.toVisitor(audience.t, audience.v, value);
        return;
      case 'agents':
        return local.toAgents(audience.t, value);
      case 'visitor':
        return local.toVisitor(audience.t, audience.v, value);
      case 'call':
        return local.toVisitorCall(audience.t, audience.v, audience.c, value);
      case 'tenantVisitors':
        return local.toTenantVisitors(audience.t, value);
      case 'agent':
        return local.toAgent(audience.t, audience.a, value);
      case 'socket':
        return local.toSocket(audience.s, value);
    }
  };

  /** Whether a frame event could reach a socket here (so its stored frame is worth reading). */
  const wanted = (event: FrameEvent): boolean => {
    switch (event.to) {
      case 'socket':
        return local.isLive(event.s);
      case 'tenantVisitors':
        return true;
      case 'agents':
      case 'agent':
        return local.hasAudience(event.t);
      default:
        return local.hasAudience(event.t, event.v);
    }
  };

  async function deliver(events: Delivered[]): Promise<void> {
    // One read per kind for the whole batch, only for what a socket here will get and this
    // instance does not hold already (it published it).
    const messageIds = new Set<string>();
    const conversationIds = new Set<string>();
    const frameIds = new Set<string>();
    for (const event of events) {
      if (event.k === 'm' && !event.held?.message && local.hasAudience(event.t, event.v)) messageIds.add(event.id);
      if (event.k === 'c' && !event.held?.conversation && local.hasAudience(event.t, event.v)) conversationIds.add(event.c);
      if (event.k === 'f' && 'r' in event && !event.held?.frame && wanted(event)) frameIds.add(event.r);
    }
    const [messages, conversations, frames] = await Promise.all([
      messageIds.size > 0 ? db.query<MessageRow>('SELECT * FROM messages WHERE id = ANY($1::text[])', [[...messageIds]]) : [],
      conversationIds.size > 0 ? findConversationsByIds(db, [...conversationIds]) : [],
      frameIds.size > 0 ? db.query<{ id: string; frame: string }>('SELECT id::text AS id, frame FROM cluster_frames WHERE id = ANY($1::bigint[])', [[...frameIds]]) : [],
    ]);
    const messageById = new Map(messages.map((row) => [row.id, row]));
    const owners = await attachmentOwners(db, messages);
    const conversationById = new Map<string, ConversationRow>(conversations.map((row) => [row.id, row]));
    const frameById = new Map(frames.map((row) => [row.id, row.frame]));

    for (const event of events) {
      switch (event.k) {
        case 'm': {
          const held = event.held?.message;
          const row = held ? undefined : messageById.get(event.id);
          const message: Message | undefined = held ?? (row ? toMessage(row, options.links.forOrigin(event.o ?? ''), owners) : undefined);
          if (!message) break;
          if (event.e === 'message.created') local.messageCreated(event.t, event.v, message);
          else local.messageChanged(event.e, event.t, event.v, message);
          break;
        }
        case 'c': {
          if (event.held?.conversation) {
            local.conversationUpdated(event.t, event.held.conversation);
            break;
          }
          const row = conversationById.get(event.c);
          if (row && row.tenant_id === event.t) local.conversationUpdated(event.t, toConversation(row));
          break;
        }
        case 'f': {
          if ('f' in event) toLocal(event, event.f);
          else if (event.held?.frame) toLocal(event, event.held.frame);
          else {
            const text = frameById.get(event.r);
            if (text !== undefined) toLocal(event, JSON.parse(text) as ServerFrame);
          }
          break;
        }
        case 'p':
        case 'g':
          for (const change of presence.apply(event)) tell(remote(change.info), change.present);
          break;
        case 'ts':
          options.onTypingStop(event.role, event.sub, event.c);
          break;
      }
    }
  }

  const publish = (event: ClusterEvent, held: Held) => bus.publish(event, held);

  return {
    deliver,
    async resyncPresence() {
      for (const change of await presence.resync()) tell(remote(change.info), change.present);
    },
    add(s) {
      local.add(s);
      presence.added(local.socketId(s), { role: s.role, tenantId: s.tenantId, subject: s.subject, ...(s.callScope !== undefined ? { callScope: s.callScope } : {}) });
      tell(s, true);
    },
    remove(s) {
      local.remove(s);
      presence.removed(local.socketId(s));
      tell(s, false);
    },
    messageCreated(tenantId, visitorId, message) {
      publish({ k: 'm', e: 'message.created', t: tenantId, v: visitorId, c: message.conversationId, id: message.messageId, ...originOf(message) }, { message });
    },
    messageChanged(type, tenantId, visitorId, message) {
      publish({ k: 'm', e: type, t: tenantId, v: visitorId, c: message.conversationId, id: message.messageId, ...originOf(message) }, { message });
    },
    conversationUpdated(tenantId, conversation: Conversation) {
      publish({ k: 'c', t: tenantId, c: conversation.conversationId, ...(conversation.visitorId ? { v: conversation.visitorId } : {}) }, { conversation });
    },
    toAgents: (t, value) => frame({ to: 'agents', t }, value),
    toVisitor: (t, v, value) => frame({ to: 'visitor', t, v }, value),
    toVisitorCall: (t, v, c, value) => frame({ to: 'call', t, v, c }, value),
    toTenantVisitors: (t, value) => frame({ to: 'tenantVisitors', t }, value),
    toAgent: (t, a, value) => frame({ to: 'agent', t, a }, value),
    toSocket: (s, value) => frame({ to: 'socket', s }, value),
    hasSocket: (role, tenantId, subject, conversationId) => presence.has(role, tenantId, subject, conversationId),
    onPresence(listener) {
      listeners.push(listener);
    },
    all: () => local.all(),
    socketId: (s) => local.socketId(s),
    isLive: (socketId) => presence.isLive(socketId),
  };
}

/** The origin a message's attachment link was signed for, so readers sign theirs for the same one. */
function originOf(message: Message): { o?: string } {
  const attachment = (message.metadata as { attachment?: { url?: unknown } } | undefined)?.attachment;
  if (typeof attachment?.url !== 'string') return {};
  try {
    return { o: new URL(attachment.url).origin };
  } catch {
    return {};
  }
}
