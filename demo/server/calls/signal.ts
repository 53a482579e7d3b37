/**
 * The payload of a `call.signal` frame (extensions.md §15), read from untrusted JSON. Only the
 * known fields are passed on, so a client cannot smuggle anything else to the other party.
 */
import type { CallCandidate, CallSignal } from '../../../src/contract/extensions.ts';

export type { CallSignal };

/** The signal, rebuilt from its known fields; undefined when it is not one (the frame is dropped). */
export function readSignal(value: unknown): CallSignal | undefined {
  if (!isObject(value)) return undefined;
  if (value.kind === 'offer' || value.kind === 'answer') {
    return typeof value.sdp === 'string' ? { kind: value.kind, sdp: value.sdp } : undefined;
  }
  if (value.kind !== 'candidate') return undefined;
  // `null` ends the trickle.
  if (value.candidate === null) return { kind: 'candidate', candidate: null };
  const candidate = readCandidate(value.candidate);
  return candidate ? { kind: 'candidate', candidate } : undefined;
}

function readCandidate(value: unknown): CallCandidate | undefined {
  if (!isObject(value) || typeof value.candidate !== 'string') return undefined;
  const { sdpMid, sdpMLineIndex, usernameFragment } = value;
  if (!nullable(sdpMid, 'string') || !nullable(usernameFragment, 'string')) return undefined;
  if (!nullable(sdpMLineIndex, 'number') || (typeof sdpMLineIndex === 'number' && !Number.isInteger(sdpMLineIndex))) return undefined;
  return {
    candidate: value.candidate,
    ...(sdpMid !== undefined ? { sdpMid: sdpMid as string | null } : {}),
    ...(sdpMLineIndex !== undefined ? { sdpMLineIndex: sdpMLineIndex as number | null } : {}),
    ...(usernameFragment !== undefined ? { usernameFragment: usernameFragment as string | null } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent, null, or of the given type. */
function nullable(value: unknown, type: 'string' | 'number'): boolean {
  return value === undefined || value === null || typeof value === type;
}
