/**
 * The cross-tab message bus: the subset of `BroadcastChannel` the tabs code uses, so tests and
 * other platforms can pass their own. Messages reach every other channel of the same name in
 * the same origin (other tabs, and other objects in this tab), never the sender itself.
 */

/** What the tabs code needs of a `BroadcastChannel`. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** Opens a channel by name. */
export type ChannelFactory = (name: string) => ChannelLike;

/** `BroadcastChannel` where the platform has it (browsers, Node ≥ 18), else `undefined`. */
export const defaultChannel = (): ChannelFactory | undefined => {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel;
  return Channel && ((name) => new Channel(name));
};

/** A message of ours: a type tag `t`, the sender's id `from`, and fields by type. */
export interface TabMessage {
  t: string;
  from: string;
  [field: string]: unknown;
}

/** Listens for well-formed messages only (anything else on the channel is not ours). */
export function listen(channel: ChannelLike, handler: (message: TabMessage) => void): void {
  channel.addEventListener('message', ({ data }) => {
    const m = data as Partial<TabMessage> | null;
    if (m && typeof m.t === 'string' && typeof m.from === 'string') handler(m as TabMessage);
  });
}
