/**
 * Coalesces receipts: many visitor messages arriving in a burst (or a page of history) become one
 * request per conversation and kind, for the newest message, since a receipt covers every
 * earlier message (extensions.md §8).
 */
import type { ReceiptKind } from '../../src/contract/extensions.ts';

// A burst: messages arriving within this window share one request.
const BATCH_MS = 150;

export interface ReceiptBatcher {
  /** Marks the visitor's messages up to `seq` (`messageId`) with `kind`, soon. */
  mark(conversationId: string, kind: ReceiptKind, seq: number, messageId: string): void;
  dispose(): void;
}

export function createReceiptBatcher(
  post: (conversationId: string, messageId: string, kind: ReceiptKind) => Promise<void>,
  onError: (error: unknown) => void,
): ReceiptBatcher {
  // Highest seq already sent, and the pending one, per `conversationId kind`.
  const sent = new Map<string, number>();
  const pending = new Map<string, { conversationId: string; kind: ReceiptKind; seq: number; messageId: string }>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    for (const [key, p] of pending) {
      pending.delete(key);
      if ((sent.get(key) ?? 0) >= p.seq) continue;
      sent.set(key, p.seq);
      post(p.conversationId, p.messageId, p.kind).catch((error: unknown) => {
        // Let a later mark try again.
        if (sent.get(key) === p.seq) sent.delete(key);
        onError(error);
      });
    }
  };

  return {
    mark(conversationId, kind, seq, messageId) {
      const key = `${conversationId} ${kind}`;
      if ((sent.get(key) ?? 0) >= seq || (pending.get(key)?.seq ?? 0) >= seq) return;
      pending.set(key, { conversationId, kind, seq, messageId });
      timer ??= setTimeout(flush, BATCH_MS);
    },
    dispose() {
      clearTimeout(timer);
      pending.clear();
    },
  };
}
