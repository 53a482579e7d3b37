/**
 * What the rest of the server asks of calls (extensions.md §15); `service.ts` implements it.
 * Apart from the implementation so the route context can name it without an import cycle.
 */
import type { Subscriber } from '../realtime/hub.ts';
import type { CallRow, CallViewer, NewCall } from '../store/calls.ts';
import type { CallParty } from './transitions.ts';

/** How often the service sweeps for calls a failed timer left live. */
export const CALL_SWEEP_INTERVAL_MS = 30_000;

export interface CallService {
  /** Starts a ringing call (the route checked the service and the body). */
  create(input: Omit<NewCall, 'ringDeadline'>): Promise<CallRow>;
  /** `started → answered`; 409 `CALL_NOT_RINGING` when it no longer rings. */
  answer(tenantId: string, agentId: string, id: string): Promise<CallRow>;
  /** Hang up, decline, cancel or report a failure; a final call comes back unchanged. */
  end(viewer: CallViewer, by: CallParty, id: string, reason: string | undefined): Promise<CallRow>;
  /** A `call.signal` frame from a socket: relayed to the other party or dropped without a word. */
  signal(from: Subscriber, callId: unknown, signal: unknown): void;
  /** At startup: ringing calls past their deadline are missed, the others re-armed; answered ones are watched. */
  recover(): Promise<void>;
  /**
   * The backstop the service also runs every {@link CALL_SWEEP_INTERVAL_MS}: ringing calls past
   * their deadline become missed (a ring timer whose write kept failing), and answered calls
   * with a party away and no grace running start one. Answers how many calls it made missed.
   */
  sweep(): Promise<number>;
  /** Stops every timer and waits for changes already under way (before the database closes). */
  close(): Promise<void>;
}
