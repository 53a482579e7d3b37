import { describe, expect, it } from 'vitest';
import type { CallSession } from '../../../src/index.ts';
import { duration, endText, errorText, phaseText } from '../../../widget/app/call/call-text.ts';

const session = (over: Partial<CallSession>): CallSession => ({ id: 'c1', conversationId: 'v1', type: 'video', direction: 'inbound', status: 'ended', ...over });

describe('what the call view says', () => {
  it('tells a visitor who blocked the camera how to allow it', () => {
    expect(errorText({ code: 'CALL_PERMISSION_DENIED' })).toMatch(/blocked the camera and microphone\. Allow them for this site/);
    expect(errorText({ code: 'CALL_DEVICE_NOT_FOUND' })).toMatch(/No microphone was found/);
    expect(errorText({ code: 'CALL_CONNECTION_FAILED' })).toMatch(/^The call dropped/);
  });

  it('says why a call ended: missed, cancelled, declined, dropped, or hung up with its length', () => {
    expect(endText(session({ status: 'missed', endReason: 'no_answer' }))).toMatch(/^No one answered/);
    expect(endText(session({ status: 'missed', endReason: 'cancelled' }))).toBe('Call cancelled');
    expect(endText(session({ endReason: 'declined' }))).toMatch(/could not take your call/);
    expect(endText(session({ endReason: 'connection_lost', durationSeconds: 40 }))).toBe('The call dropped.');
    expect(endText(session({ endReason: 'hangup', durationSeconds: 192 }))).toBe('Call ended · 3:12');
  });

  it('asks for the camera only for a video call while preparing', () => {
    expect(phaseText('preparing', 'video')).toBe('Allow camera and microphone…');
    expect(phaseText('preparing', 'audio')).toBe('Allow the microphone…');
    expect(phaseText('ringing', 'audio')).toBe('Calling the team…');
  });

  it('formats durations as m:ss, and h:mm:ss past an hour', () => {
    expect(duration(0)).toBe('0:00');
    expect(duration(65)).toBe('1:05');
    expect(duration(3723)).toBe('1:02:03');
  });
});
