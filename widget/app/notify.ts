/**
 * Title blink and chime for new messages while the visitor is not looking (`alerts.ts`, a chunk
 * of its own): loaded only when it first has something to do, a new message while the visitor
 * is not looking. Most visits never get there.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import type { Alerts } from './alerts.ts';

export interface NotifyOptions {
  /** Messages from others not seen yet. */
  unread: ReadonlySignal<number>;
  /** The visitor is looking at the conversation. */
  looking: ReadonlySignal<boolean>;
  titleBlink: boolean;
  sound: boolean;
  doc: Document;
  /** The title for `count` new messages in the widget's language (see `alerts.ts`). */
  title?: (count: number) => string;
}

/** Starts watching; returns the disposer. */
export function notifyUnread({ unread, looking, titleBlink, sound, doc, title }: NotifyOptions): () => void {
  let seen = unread.peek();
  let alerts: Alerts | undefined;
  let loading = false;
  let disposed = false;
  const stop = effect(() => {
    const count = unread.value;
    const look = looking.value;
    if (alerts) return alerts.update(count, look);
    if (loading) return;
    // Until the first rise while not looking, the alerts would only keep `seen` up to date.
    const before = seen;
    seen = count;
    if (count <= before || look || !(titleBlink || sound)) return;
    loading = true;
    import('./alerts.ts').then(
      ({ createAlerts }) => {
        if (disposed) return;
        // Given the count before this rise, they see it as new.
        alerts = createAlerts({ titleBlink, sound, doc, seen: before, title });
        alerts.update(unread.peek(), looking.peek());
      },
      // Not loaded (offline): the badge still shows it; the next new message tries again.
      () => void (loading = false),
    );
  });
  return () => {
    disposed = true;
    stop();
    alerts?.stop();
  };
}
