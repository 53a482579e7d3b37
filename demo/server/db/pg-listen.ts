/**
 * `LISTEN` on PostgreSQL: a dedicated connection (a pooled one would be handed to a query and
 * its LISTEN lost), opened again with a back-off when it drops. Notifications sent while it was
 * down are gone, so the owner is told of the gap (it makes its clients resume from `seq`).
 */
import pg from 'pg';
import type { Listening } from './database.ts';

/** TCP keepalive on the listening connection: the OS notices a peer that vanished without an RST. */
const KEEPALIVE_DELAY_MS = 10_000;
/** Pauses before reopening a dropped listening connection (the last one repeats). */
const RECONNECT_DELAYS_MS = [100, 500, 1000, 2000, 5000];

export async function createListener(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
  onGap: (() => void) | undefined,
): Promise<Listening> {
  let client: pg.Client | undefined;
  let stopped = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    // Idle for minutes by design, so a NAT or firewall may forget it: keepalive probes keep it
    // known and make a silently dead peer end the connection (then it is reopened).
    const next = new pg.Client({ connectionString, keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS });
    next.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    // A dropped connection ('error' then 'end') is reopened; one 'end' per client is enough.
    next.on('error', () => undefined);
    next.once('end', () => {
      if (stopped || client !== next) return;
      client = undefined;
      onGap?.();
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      // Not ours yet ('end' ignores it): closed here, not leaked; the caller retries.
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
    attempt = 0;
  };
  const schedule = () => {
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt++, RECONNECT_DELAYS_MS.length - 1)];
    retry = setTimeout(() => {
      if (stopped) return;
      open().then(
        // Reopened: whatever was sent meanwhile is lost, so the owner hears of a gap again.
        () => onGap?.(),
        () => {
          client = undefined;
          schedule();
        },
      );
    }, delay);
    retry.unref();
  };

  await open();
  const stop: Listening = async () => {
    stopped = true;
    clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => undefined);
  };
  // Its 'end' runs the drop path: onGap, then reopen with back-off.
  stop.reopen = () => void client?.end().catch(() => undefined);
  return stop;
}
