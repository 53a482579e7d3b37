/**
 * Who is subscribed to what. A visitor socket gets frames for that visitor's conversations;
 * an agent socket gets frames for every conversation of its tenant. Routes publish after their
 * transaction committed, so a frame never announces data a reader cannot see yet.
 *
 * This is one process's delivery. The server wraps it in the cluster hub (`../cluster/cluster-hub.ts`),
 * which sends every event through the database first, so instances sharing it all hear it.
 */
import type { Conversation, Message, ServerFrame } from '../../../src/contract/extensions.ts';

/** The hub's view of a connected socket. */
export interface Subscriber {
  readonly role: 'visitor' | 'agent';
  readonly tenantId: string;
  /** Visitor id or agent id. */
  readonly subject: string;
  /** Sends a serialised frame (the socket applies its own backpressure rule). */
  send(text: string): void;
  /**
   * Set on a call-link session's socket (extensions.md §15): it gets only the `call.*` frames of
   * this conversation, nothing else its visitor is sent.
   */
  readonly callScope?: string;
  /** Told of every `conversation.updated` it is sent (a socket drops what it cached about it). */
  conversationChanged?(conversation: Conversation): void;
  /** Closes the socket (frames may have been missed: the client reconnects and resumes from `seq`). */
  close?(code: number, reason: string): void;
}

export interface Hub {
  add(subscriber: Subscriber): void;
  remove(subscriber: Subscriber): void;
  /** `message.created` to the conversation's visitor and the tenant's agents. */
  messageCreated(tenantId: string, visitorId: string, message: Message): void;
  /** `message.updated` / `message.deleted` to the conversation's visitor and the tenant's agents. */
  messageChanged(type: 'message.updated' | 'message.deleted', tenantId: string, visitorId: string, message: Message): void;
  /** `conversation.updated` to the conversation's visitor and the tenant's agents. */
  conversationUpdated(tenantId: string, conversation: Conversation): void;
  /** A frame for the tenant's agents only (receipts and typing from a visitor). */
  toAgents(tenantId: string, frame: ServerFrame): void;
  /** A frame for one visitor's sockets only (receipts and typing from an agent). */
  toVisitor(tenantId: string, visitorId: string, frame: ServerFrame): void;
  /** A `call.*` frame of `conversationId` for the visitor's sockets, its call-link sockets for that conversation included. */
  toVisitorCall(tenantId: string, visitorId: string, conversationId: string, frame: ServerFrame): void;
  /** A frame for every visitor socket of the tenant (availability). */
  toTenantVisitors(tenantId: string, frame: ServerFrame): void;
  /** A frame for one agent's sockets only (call signaling, extensions.md §15). */
  toAgent(tenantId: string, agentId: string, frame: ServerFrame): void;
  /**
   * Whether the visitor or agent has at least one socket here (a call's drop grace); for a
   * visitor with `conversationId`, call-link sockets of other conversations do not count.
   */
  hasSocket(role: 'visitor' | 'agent', tenantId: string, subject: string, conversationId?: string): boolean;
  /** Told after every add (`present`) and remove (calls watch their parties come and go). */
  onPresence(listener: (subscriber: Subscriber, present: boolean) => void): void;
  /** Every subscriber (for shutdown). */
  all(): Subscriber[];
  /** The subscriber's id, unique across instances (the agent socket that holds a call's signaling is named by it). */
  socketId(subscriber: Subscriber): string;
  /** Whether the socket `socketId` (of any instance) is still open. */
  isLive(socketId: string): boolean;
  /** A frame for one socket, wherever it is. */
  toSocket(socketId: string, frame: ServerFrame): void;
}

/** The sockets of this process: what the cluster hub delivers to once an event came back from the database. */
export interface LocalHub extends Hub {
  /** Whether a frame for the tenant's agents (or for `visitorId`) would reach anyone here: a reader skips the rows otherwise. */
  hasAudience(tenantId: string, visitorId?: string): boolean;
}

export interface HubOptions {
  /** Prefix of socket ids (the instance id in a cluster). @default 'local' */
  idPrefix?: string;
}

export function createHub(options: HubOptions = {}): LocalHub {
  const prefix = options.idPrefix ?? 'local';
  const ids = new WeakMap<Subscriber, string>();
  const live = new Map<string, Subscriber>();
  let counter = 0;
  const idOf = (s: Subscriber) => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = `${prefix}/${++counter}`));
    return id;
  };
  const visitors = new Map<string, Set<Subscriber>>();
  const agents = new Map<string, Set<Subscriber>>();
  // Tenant id → its visitor sockets, so a tenant-wide frame does not scan every tenant's visitors.
  const tenantVisitors = new Map<string, Set<Subscriber>>();
  const presence: ((subscriber: Subscriber, present: boolean) => void)[] = [];
  const keyOf = (s: Subscriber) => (s.role === 'visitor' ? `${s.tenantId}/${s.subject}` : s.tenantId);
  const mapOf = (s: Subscriber) => (s.role === 'visitor' ? visitors : agents);

  // A call-link socket hears only its call: everything else a visitor is sent skips it.
  const unscoped = (s: Subscriber) => s.callScope === undefined;

  function sendAll(set: Iterable<Subscriber> | undefined, frame: ServerFrame, accepts: (s: Subscriber) => boolean = unscoped): void {
    if (!set) return;
    const text = JSON.stringify(frame);
    for (const s of set) if (accepts(s)) s.send(text);
  }

  function publish(tenantId: string, visitorId: string | undefined, frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    if (visitorId) for (const s of visitors.get(`${tenantId}/${visitorId}`) ?? []) if (unscoped(s)) s.send(text);
    for (const s of agents.get(tenantId) ?? []) s.send(text);
  }

  return {
    add(s) {
      const map = mapOf(s);
      const key = keyOf(s);
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      set.add(s);
      live.set(idOf(s), s);
      if (s.role === 'visitor') {
        let all = tenantVisitors.get(s.tenantId);
        if (!all) tenantVisitors.set(s.tenantId, (all = new Set()));
        all.add(s);
      }
      for (const listener of presence) listener(s, true);
    },
    remove(s) {
      const map = mapOf(s);
      const key = keyOf(s);
      const set = map.get(key);
      if (set?.delete(s) && set.size === 0) map.delete(key);
      live.delete(idOf(s));
      const all = s.role === 'visitor' ? tenantVisitors.get(s.tenantId) : undefined;
      if (all?.delete(s) && all.size === 0) tenantVisitors.delete(s.tenantId);
      for (const listener of presence) listener(s, false);
    },
    messageCreated(tenantId, visitorId, message) {
      publish(tenantId, visitorId, { type: 'message.created', conversationId: message.conversationId, seq: message.seq, message });
    },
    messageChanged(type, tenantId, visitorId, message) {
      publish(tenantId, visitorId, { type, conversationId: message.conversationId, seq: message.seq, message });
    },
    conversationUpdated(tenantId, conversation) {
      publish(tenantId, conversation.visitorId, { type: 'conversation.updated', conversation });
      const owners = conversation.visitorId ? (visitors.get(`${tenantId}/${conversation.visitorId}`) ?? []) : [];
      for (const s of [...owners, ...(agents.get(tenantId) ?? [])]) if (unscoped(s)) s.conversationChanged?.(conversation);
    },
    toAgents(tenantId, frame) {
      sendAll(agents.get(tenantId), frame);
    },
    toVisitor(tenantId, visitorId, frame) {
      sendAll(visitors.get(`${tenantId}/${visitorId}`), frame);
    },
    toVisitorCall(tenantId, visitorId, conversationId, frame) {
      sendAll(visitors.get(`${tenantId}/${visitorId}`), frame, (s) => s.callScope === undefined || s.callScope === conversationId);
    },
    toTenantVisitors(tenantId, frame) {
      sendAll(tenantVisitors.get(tenantId), frame);
    },
    toAgent(tenantId, agentId, frame) {
      sendAll([...(agents.get(tenantId) ?? [])].filter((s) => s.subject === agentId), frame);
    },
    hasSocket(role, tenantId, subject, conversationId) {
      if (role === 'visitor') {
        for (const s of visitors.get(`${tenantId}/${subject}`) ?? []) {
          if (s.callScope === undefined || conversationId === undefined || s.callScope === conversationId) return true;
        }
        return false;
      }
      for (const s of agents.get(tenantId) ?? []) if (s.subject === subject) return true;
      return false;
    },
    onPresence(listener) {
      presence.push(listener);
    },
    all() {
      return [...visitors.values(), ...agents.values()].flatMap((set) => [...set]);
    },
    socketId: idOf,
    isLive(socketId) {
      return live.has(socketId);
    },
    toSocket(socketId, frame) {
      live.get(socketId)?.send(JSON.stringify(frame));
    },
    hasAudience(tenantId, visitorId) {
      return agents.has(tenantId) || (visitorId !== undefined && visitors.has(`${tenantId}/${visitorId}`));
    },
  };
}
