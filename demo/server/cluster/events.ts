/**
 * What instances tell each other through the database (`NOTIFY` payloads). Each names rows and
 * sockets by id, never a message body, a signal's SDP or a token: a reader fetches what it needs.
 * Short keys keep a burst's payloads small (PostgreSQL refuses a payload of 8000 bytes or more).
 */
import type { Conversation, Message, ServerFrame } from '../../../src/contract/extensions.ts';

/** Whose sockets a frame is for (the {@link Hub} method that published it). */
export type Audience =
  /** The conversation's visitor (when `v`) and the tenant's agents. */
  | { to: 'pub'; t: string; v?: string }
  | { to: 'agents'; t: string }
  | { to: 'visitor'; t: string; v: string }
  /** The visitor's sockets, the call-link sockets of conversation `c` included. */
  | { to: 'call'; t: string; v: string; c: string }
  | { to: 'tenantVisitors'; t: string }
  | { to: 'agent'; t: string; a: string }
  /** One socket, by its cluster-wide id (the agent console that holds a call's signaling). */
  | { to: 'socket'; s: string };

/** A message was created, edited or deleted: readers load it by id. */
export interface MessageEvent {
  k: 'm';
  e: 'message.created' | 'message.updated' | 'message.deleted';
  t: string;
  v: string;
  /** Conversation and message ids. */
  c: string;
  id: string;
  /** The API origin its attachment link was signed for (absent without attachment). */
  o?: string;
}

/** A conversation changed: readers load it by id. */
export interface ConversationEvent {
  k: 'c';
  t: string;
  /** Its visitor (an instance with none of their sockets and no agent of the tenant skips the read). */
  v?: string;
  c: string;
}

/** A frame with no stored row behind it: inline (`f`) when small and holding ids and states only, else a `cluster_frames` row (`r`). */
export type FrameEvent = { k: 'f' } & Audience & ({ f: ServerFrame } | { r: string });

/** A socket of some instance authenticated (`on`) or closed. */
export interface PresenceEvent {
  k: 'p';
  s: string;
  role: 'visitor' | 'agent';
  t: string;
  sub: string;
  cs?: string;
  on: boolean;
}

/** An instance stopped or was reaped: every socket it had in epoch `ge` (0 when absent) or before is gone. */
export interface GoneEvent {
  k: 'g';
  g: string;
  ge?: number;
}

/** A sender sent a message: the instance whose socket keeps its typing indicator ends it. */
export interface TypingStopEvent {
  k: 'ts';
  role: 'visitor' | 'agent';
  sub: string;
  c: string;
}

export type ClusterEvent = MessageEvent | ConversationEvent | FrameEvent | PresenceEvent | GoneEvent | TypingStopEvent;

/**
 * On the wire: the event plus its sender instance `i` and counter `n` (identical payloads in one
 * transaction would be folded into one), and the sender's epoch `ep` (0 when absent): an instance
 * reaped while alive rejoins in the next epoch, so its older words stay disbelieved, its new ones not.
 */
export type Envelope = ClusterEvent & { i: string; n: number; ep?: number };

/**
 * What the publishing instance already holds for its event (never on the wire): delivering to its
 * own sockets uses it instead of reading the rows back. Other instances read by id.
 */
export interface Held {
  message?: Message;
  conversation?: Conversation;
  frame?: ServerFrame;
}

/** An envelope as delivered to this instance: with what it held when this instance published it. */
export type Delivered = Envelope & { held?: Held };

/** PostgreSQL's limit is 8000 bytes; a frame is inlined only well below it. */
export const MAX_INLINE_BYTES = 4000;

/** Frame types that carry ids, states and times only, so they may travel inline. */
export const INLINE_FRAME_TYPES: ReadonlySet<ServerFrame['type']> = new Set(['receipt', 'typing', 'availability', 'call.updated']);

/** The envelope in a payload, or undefined for one this version does not know (a newer instance). */
export function readEnvelope(payload: string): Envelope | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== 'object' || value === null) return undefined;
    const { k, i } = value as { k?: unknown; i?: unknown };
    if (typeof i !== 'string' || !['m', 'c', 'f', 'p', 'g', 'ts'].includes(String(k))) return undefined;
    return value as Envelope;
  } catch {
    return undefined;
  }
}
