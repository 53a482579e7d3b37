/**
 * Who is subscribed to what. A visitor socket gets frames for that visitor's conversations;
 * an agent socket gets frames for every conversation of its tenant. Routes publish after their
 * transaction committed, so a frame never announces data a reader cannot see yet.
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
}

export interface Hub {
  add(subscriber: Subscriber): void;
  remove(subscriber: Subscriber): void;
  /** `message.created` to the conversation's visitor and the tenant's agents. */
  messageCreated(tenantId: string, visitorId: string, message: Message): void;
  /** `conversation.updated` to the conversation's visitor and the tenant's agents. */
  conversationUpdated(tenantId: string, conversation: Conversation): void;
  /** Every subscriber (for shutdown). */
  all(): Subscriber[];
}

export function createHub(): Hub {
  const visitors = new Map<string, Set<Subscriber>>();
  const agents = new Map<string, Set<Subscriber>>();
  const keyOf = (s: Subscriber) => (s.role === 'visitor' ? `${s.tenantId}/${s.subject}` : s.tenantId);
  const mapOf = (s: Subscriber) => (s.role === 'visitor' ? visitors : agents);

  function publish(tenantId: string, visitorId: string | undefined, frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    if (visitorId) for (const s of visitors.get(`${tenantId}/${visitorId}`) ?? []) s.send(text);
    for (const s of agents.get(tenantId) ?? []) s.send(text);
  }

  return {
    add(s) {
      const map = mapOf(s);
      const key = keyOf(s);
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      set.add(s);
    },
    remove(s) {
      const map = mapOf(s);
      const key = keyOf(s);
      const set = map.get(key);
      if (set?.delete(s) && set.size === 0) map.delete(key);
    },
    messageCreated(tenantId, visitorId, message) {
      publish(tenantId, visitorId, { type: 'message.created', conversationId: message.conversationId, seq: message.seq, message });
    },
    conversationUpdated(tenantId, conversation) {
      publish(tenantId, conversation.visitorId, { type: 'conversation.updated', conversation });
    },
    all() {
      return [...visitors.values(), ...agents.values()].flatMap((set) => [...set]);
    },
  };
}
