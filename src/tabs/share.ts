/**
 * What a runtime does with the other tabs of its visitor, loaded on demand (only where tabs
 * share: a browser page): one socket for all of them (`shared-realtime.ts`) and unread counts
 * kept in step — a tab where the visitor looks at the conversation says up to which message
 * (`seq`) it was seen, so the other tabs stop counting those as unread.
 */
import type { Signal } from '@preact/signals-core';
import type { Message } from '../contract/extensions.ts';
import type { RuntimeError } from '../errors.ts';
import { onPage } from '../lib/env.ts';
import type { RealtimeConnection, RealtimeOptions } from '../realtime.ts';
import type { ConversationHandle } from '../types.ts';
import { defaultChannel, listen, type ChannelLike, type TabMessage } from './channel.ts';
import { createSharedRealtime } from './shared-realtime.ts';

export interface ShareOptions {
  /** Tabs with the same name share (the runtime uses socket URL, tenant and visitor). */
  name: string;
  /** Makes the real connection when this tab leads. */
  create(shared: Required<Pick<RealtimeOptions, 'isVisible' | 'onError'>>): RealtimeConnection;
  /** The visitor this tab is now. */
  visitor: () => string | undefined;
  conversation: ConversationHandle;
  /** Whether the visitor looks at the conversation in this tab. */
  isVisible: () => boolean;
  unread: Signal<number>;
  leader: Signal<boolean>;
  onError: (error: RuntimeError) => void;
}

/** The shared connection and the unread sync of one runtime. */
export interface Share {
  readonly realtime: RealtimeConnection;
  /** The visitor saw the conversation here up to `seq` (default: what is shown): tell the other tabs. */
  seen(conversationId?: string, seq?: number): void;
  /** Another tab has shown `message` to the visitor already (it is not unread here). */
  seenElsewhere(message: Message): boolean;
  stop(): void;
}

/** `undefined` where the platform has no `BroadcastChannel`. */
export function share(options: ShareOptions): Share | undefined {
  const channel = defaultChannel();
  if (!channel) return undefined;
  const { name, conversation, unread } = options;
  const realtime = createSharedRealtime({ name, channel, create: options.create, visitor: options.visitor });
  let tabs: ChannelLike | undefined;
  let upTo = { c: '', seq: 0 };
  // Seen in another tab up to `seq`: what is still unread here is what came after (a reply
  // that reached this tab before that one counts on).
  const heard = (m: TabMessage) => {
    const c = String(m.c);
    upTo = { c, seq: Math.max(Number(m.seq) || 0, c === upTo.c ? upTo.seq : 0) };
    if (!options.isVisible() && c === conversation.id.value) {
      unread.value = conversation.messages.value.filter((x) => x.senderType !== 'visitor' && !x.readAt && !x.deleted && (x.seq ?? 0) > upTo.seq).length;
    }
  };
  // Open only while the page is shown: a message reaching a page in the back/forward cache
  // gets it evicted.
  const open = () => listen((tabs = channel(`${name}|seen`)), heard);
  const close = () => {
    tabs?.close();
    tabs = undefined;
  };
  open();
  const stops = [realtime.leader.subscribe((is) => (options.leader.value = is)), realtime.onError(options.onError), onPage({ hide: close, restore: open }), close];
  return {
    realtime,
    seen(c = conversation.id.value ?? '', seq = Math.max(0, ...conversation.messages.value.map((m) => m.seq ?? 0))) {
      if (c) tabs?.postMessage({ t: 'seen', from: '', c, seq });
    },
    seenElsewhere: (m) => m.conversationId === upTo.c && m.seq <= upTo.seq,
    stop: () => stops.splice(0).forEach((stop) => stop()),
  };
}
