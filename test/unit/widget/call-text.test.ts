import { describe, expect, it } from 'vitest';
import type { CallSession } from '../../../src/index.ts';
import { duration, endText, errorText, eventText, phaseText } from '../../../widget/app/call/call-text.ts';
import { enCall as c } from '../../../widget/app/i18n/en-call.ts';
import { loadText } from '../../../widget/app/i18n/locale.ts';

const session = (over: Partial<CallSession>): CallSession => ({ id: 'c1', conversationId: 'v1', type: 'video', direction: 'inbound', status: 'ended', ...over });

describe('what the call view says', () => {
  it('tells a visitor who blocked the camera how to allow it', () => {
    expect(errorText(c, { code: 'CALL_PERMISSION_DENIED' })).toMatch(/blocked the camera and microphone\. Allow them for this site/);
    expect(errorText(c, { code: 'CALL_DEVICE_NOT_FOUND' })).toMatch(/No microphone was found/);
    expect(errorText(c, { code: 'CALL_CONNECTION_FAILED' })).toMatch(/^The call dropped/);
  });

  it('says why a call ended: missed, cancelled, declined, dropped, or hung up with its length', () => {
    expect(endText(c, session({ status: 'missed', endReason: 'no_answer' }))).toMatch(/^No one answered/);
    expect(endText(c, session({ status: 'missed', endReason: 'cancelled' }))).toBe('Call cancelled');
    expect(endText(c, session({ endReason: 'declined' }))).toMatch(/could not take your call/);
    expect(endText(c, session({ endReason: 'connection_lost', durationSeconds: 40 }))).toBe('The call dropped.');
    expect(endText(c, session({ endReason: 'hangup', durationSeconds: 192 }))).toBe('Call ended · 3:12');
  });

  it('asks for the camera only for a video call while preparing', () => {
    expect(phaseText(c, 'preparing', 'video')).toBe('Allow camera and microphone…');
    expect(phaseText(c, 'preparing', 'audio')).toBe('Allow the microphone…');
    expect(phaseText(c, 'ringing', 'audio')).toBe('Calling the team…');
  });

  it('formats durations as m:ss, and h:mm:ss past an hour', () => {
    expect(duration(0)).toBe('0:00');
    expect(duration(65)).toBe('1:05');
    expect(duration(3723)).toBe('1:02:03');
  });

  it('writes the conversation’s call events in the widget’s words from the call’s facts, else keeps the server’s text', async () => {
    expect(eventText(c, { type: 'video', status: 'ended', durationSeconds: 192, endReason: 'hangup' })).toBe('Video call · 3:12');
    expect(eventText(c, { type: 'audio', status: 'missed', durationSeconds: 0 })).toBe('Missed voice call');
    expect(eventText(c, {})).toBeNull();
    const ar = (await loadText('ar')).call;
    expect(eventText(ar, { type: 'video', status: 'missed' })).toBe('مكالمة فيديو فائتة');
    expect(errorText(ar, { code: 'CALL_PERMISSION_DENIED' })).toMatch(/^حظر متصفحك/);
    expect(endText(ar, session({ endReason: 'hangup', durationSeconds: 65 }))).toBe('انتهت المكالمة · 1:05');
  });
});
