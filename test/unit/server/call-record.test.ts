/** The line a final call leaves in the transcript (extensions.md §15). */
import { expect, it } from 'vitest';
import { callRecord } from '../../../demo/server/calls/record.ts';
import type { CallRow } from '../../../demo/server/store/calls.ts';

const row = (over: Partial<CallRow>): CallRow =>
  ({ id: 'call_1', type: 'video', status: 'ended', duration_seconds: 0, end_reason: 'hangup', ...over }) as CallRow;

it('reads like a phone log: duration, missed, declined, failed', () => {
  expect(callRecord(row({ duration_seconds: 192 })).body).toBe('Video call · 3:12');
  expect(callRecord(row({ type: 'audio', duration_seconds: 3727, end_reason: 'connection_lost' })).body).toBe('Voice call · 1:02:07');
  expect(callRecord(row({ type: 'audio', status: 'missed', end_reason: 'no_answer' })).body).toBe('Missed voice call');
  expect(callRecord(row({ end_reason: 'declined' })).body).toBe('Declined video call');
  expect(callRecord(row({ status: 'failed', end_reason: 'media_failed' })).body).toBe('Video call failed');
});

it('carries what a client needs to draw it richer', () => {
  expect(callRecord(row({ duration_seconds: 5 })).metadata).toEqual({
    call: { callSessionId: 'call_1', type: 'video', status: 'ended', durationSeconds: 5, endReason: 'hangup' },
  });
});
