/**
 * What the rest of the server asks of calls (extensions.md §15); `service.ts` implements it.
 * Apart from the implementation so the route context can name it without an import cycle.
 */
import type { Subscriber } from '../realtime/hub.ts';
import type { CallRow, CallViewer, NewCall } from '../store/calls.ts';
import type { CallParty } from './transitions.ts';

export interface CallService {
  /** Starts a ringing call (the route checked the service and the body). */
  create(input: Omit<NewCall, 'ringTimeoutMs'>): Promise<CallRow>;
  /** `started → answered`; 409 `CALL_NOT_RINGING` when it no longer rings. */
  answer(tenantId: string, agentId: string, id: string): Promise<CallRow>;
  /** Hang up, decline, cancel or report a failure; a final call comes back unchanged. */
  end(viewer: CallViewer, by: CallParty, id: string, reason: string | undefined): Promise<CallRow>;
  /** A `call.signal` frame from a socket: relayed to the other party or dropped without a word. */
  signal(from: Subscriber, callId: unknown, signal: unknown): void;
  /** At startup: ringing calls past their deadline are missed, the others re-armed; answered ones are watched. */
  recover(): Promise<void>;
  /** Stops every timer and waits for changes already under way (before the database closes). */
  close(): Promise<void>;
}
