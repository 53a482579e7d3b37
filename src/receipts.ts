/**
 * Delivery and read receipts (extensions.md §8), both ways. A receipt for message N covers
 * every earlier message of the other side ("read up to here"), so the runtime confirms only the
 * newest message of a burst: one request, however many messages arrived. The agent side's
 * receipts come back as `receipt` frames and move the visitor's own messages to
 * `delivered`/`read`.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { Message, ReceiptKind, ServerFrame } from './contract/extensions.ts';
import type { HttpClient } from './http.ts';
import type { Logger } from './lib/log.ts';

/** Highest `seq` of the visitor's messages the agent side has received / read. */
export type ReceiptMarks = Readonly<Record<ReceiptKind, number>>;

export interface Receipts {
  readonly marks: ReadonlySignal<ReceiptMarks>;
  /** Confirms the newest message from others in `messages` (sorted by seq): delivered, and read when `read`. */
  acknowledge(messages: readonly Message[], read: boolean): void;
  /** A `receipt` frame for the current conversation. */
  receive(frame: Extract<ServerFrame, { type: 'receipt' }>): void;
  /** Another conversation is shown: forget the marks. */
  reset(): void;
}

const NONE: ReceiptMarks = { delivered: 0, read: 0 };

/** @param delay how long a burst may last, in ms */
export function createReceipts(http: HttpClient, log: Logger, delay = 300): Receipts {
  const marks = signal(NONE);
  // What this runtime has confirmed (or found confirmed), and what waits for the next flush.
  let done = { ...NONE };
  let pending: Partial<Record<ReceiptKind, Message>> = {};
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush() {
    timer = undefined;
    const { read, delivered } = pending;
    pending = {};
    if (read) post(read, 'read');
    // Read implies delivered on the server: a delivered receipt only for a newer message.
    if (delivered && delivered.seq > (read?.seq ?? 0)) post(delivered, 'delivered');
  }

  function post(m: Message, kind: ReceiptKind) {
    done = { delivered: Math.max(done.delivered, m.seq), read: kind === 'read' ? Math.max(done.read, m.seq) : done.read };
    http.post(`chat/conversations/${encodeURIComponent(m.conversationId)}/messages/${encodeURIComponent(m.messageId)}/${kind}`).catch((e: unknown) => {
      log('receipts: failed', e);
      // Confirmed again with the next message or the next look (the server takes a repeat).
      done = { ...NONE };
    });
  }

  return {
    marks,
    acknowledge(messages, read) {
      const m = messages.findLast((x) => x.senderType !== 'visitor' && !x.deletedAt);
      if (!m) return;
      for (const kind of read ? (['delivered', 'read'] as const) : (['delivered'] as const)) {
        if (m.seq > done[kind] && !m[`${kind}At`] && m.seq > (pending[kind]?.seq ?? 0)) {
          pending[kind] = m;
          timer ??= setTimeout(flush, delay);
        }
      }
    },
    receive({ kind, upToSeq }) {
      const { delivered, read } = marks.value;
      marks.value = { delivered: Math.max(delivered, upToSeq), read: kind === 'read' ? Math.max(read, upToSeq) : read };
    },
    reset() {
      clearTimeout(timer);
      timer = undefined;
      marks.value = NONE;
      done = { ...NONE };
      pending = {};
    },
  };
}
