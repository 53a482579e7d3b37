/**
 * The panel opens and closes in every tab of the site at once: a visitor who opened the chat in
 * one tab finds it open in the others. Only the visitor's own changes are posted (not a site's
 * `controller.open()`, which is that tab's business), on a channel per tenant, with the time they
 * were made; a change heard from another tab is applied when it is newer than the last one here
 * and never posted back. So two tabs toggling at once end the same way (the later click wins)
 * instead of swapping.
 *
 * The channel is closed on `pagehide` and opened again on `pageshow` from the back/forward cache:
 * a message reaching a cached page gets it evicted.
 */
import type { Signal } from '@preact/signals';

/**
 * Keeps `open` in step with the other tabs; returns the disposer. No-op without `BroadcastChannel`.
 * @param own whether the change being made now is the visitor's (else it is not posted)
 */
export function syncPanel(open: Signal<boolean>, tenant: string, win: Window | undefined, own: () => boolean = () => true): () => void {
  const Channel = (win as (Window & { BroadcastChannel?: typeof BroadcastChannel }) | undefined)?.BroadcastChannel;
  if (!win || !Channel) return () => undefined;
  let channel: BroadcastChannel | undefined;
  // When the panel last changed here (by the visitor, or by a change heard).
  let last = 0;
  let heard = false;
  const connect = () => {
    channel = new Channel(`ringnity:panel:${tenant}`);
    channel.addEventListener('message', ({ data }: MessageEvent<{ open?: unknown; at?: unknown } | null>) => {
      if (typeof data?.open !== 'boolean' || typeof data.at !== 'number' || data.at <= last) return;
      last = data.at;
      heard = true;
      open.value = data.open;
      heard = false;
    });
  };
  const disconnect = () => {
    channel?.close();
    channel = undefined;
  };
  const restore = (event: PageTransitionEvent) => event.persisted && !channel && connect();
  connect();
  win.addEventListener('pagehide', disconnect);
  win.addEventListener('pageshow', restore);
  let first = true;
  // `subscribe`, not `effect`: this chunk then shares no module with the app (no extra chunk).
  const stop = open.subscribe((now) => {
    // Mounting is not a change: a new tab must not close (or open) the others.
    if (!first && !heard) {
      last = Math.max(Date.now(), last + 1);
      if (own()) channel?.postMessage({ open: now, at: last });
    }
    first = false;
  });
  return () => {
    stop();
    win.removeEventListener('pagehide', disconnect);
    win.removeEventListener('pageshow', restore);
    disconnect();
  };
}
