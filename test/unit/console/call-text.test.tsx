/**
 * What the console tells the agent about a call: durations, the notice for each way a call goes
 * wrong or ends, and the call event line in the transcript (components called directly, no DOM).
 */
import type { VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { CallEvent } from '../../../demo/console/components/call-event.tsx';
import { CallIcon } from '../../../demo/console/components/call-icon.tsx';
import { CallLinkMessage, callLinkOf, previewText } from '../../../demo/console/components/call-link-message.tsx';
import { type CallFacts, callNotice, formatDuration } from '../../../demo/console/call-text.ts';
import type { CallSession, Message } from '../../../src/contract/extensions.ts';

const session = (over: Partial<CallSession>): CallSession => ({
  id: 'call_1',
  conversationId: 'conv_1',
  type: 'video',
  direction: 'inbound',
  status: 'answered',
  startedAt: '2026-01-01T10:00:00.000Z',
  ...over,
} as CallSession);
const facts = (over: Partial<CallFacts>): CallFacts => ({
  type: 'video',
  phase: 'connected',
  session: session({}),
  audioOnly: false,
  errorCode: null,
  ...over,
});

describe('call durations', () => {
  it('reads as minutes and seconds, with hours only past an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(192)).toBe('3:12');
    expect(formatDuration(59.9)).toBe('0:59');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
});

describe('call notices', () => {
  it('says nothing while a call goes well', () => {
    expect(callNotice(facts({}))).toBeNull();
  });

  it('explains a denied microphone or camera as something the agent can fix in the browser', () => {
    const notice = callNotice(facts({ phase: 'ended', errorCode: 'CALL_PERMISSION_DENIED' }));
    expect(notice?.level).toBe('alert');
    expect(notice?.text).toMatch(/blocked your microphone or camera/);
  });

  it('says a video call without a camera goes on with audio only', () => {
    expect(callNotice(facts({ audioOnly: true }))?.text).toMatch(/No camera found: .*audio only/);
    // A voice call has no camera to miss.
    expect(callNotice(facts({ type: 'audio', audioOnly: true }))).toBeNull();
  });

  it('tells a dropped visitor apart from one who hung up', () => {
    const dropped = session({ status: 'ended', endReason: 'connection_lost', metadata: { endedBy: 'server' } });
    expect(callNotice(facts({ phase: 'ended', session: dropped }))).toEqual({ level: 'alert', text: 'The visitor dropped: their connection was lost.' });
    expect(callNotice(facts({ phase: 'ended', errorCode: 'CALL_CONNECTION_FAILED' }))?.text).toMatch(/visitor dropped/);
    const hungUp = session({ status: 'ended', endReason: 'hangup', metadata: { endedBy: 'visitor' } });
    expect(callNotice(facts({ phase: 'ended', session: hungUp }))).toEqual({ level: 'info', text: 'The visitor hung up.' });
  });

  it('adds nothing when the agent hung up themselves', () => {
    const mine = session({ status: 'ended', endReason: 'hangup', metadata: { endedBy: 'agent' } });
    expect(callNotice(facts({ phase: 'ended', session: mine }))).toBeNull();
  });

  it('says a reconnecting call may come back', () => {
    expect(callNotice(facts({ phase: 'reconnecting' }))?.text).toMatch(/reconnecting/);
  });

  it('shows a server refusal with its own message', () => {
    expect(callNotice(facts({ phase: 'ended', errorCode: 'CALL_NOT_RINGING', errorMessage: 'The call is no longer ringing.' }))?.text).toBe(
      'The call is no longer ringing.',
    );
  });
});

describe('call events in the transcript', () => {
  const event = (body: string, call: Record<string, unknown>): Message =>
    ({
      messageId: 'm1',
      conversationId: 'conv_1',
      seq: 4,
      senderType: 'system',
      messageType: 'call',
      body,
      metadata: { call },
      sentAt: '2026-01-01T10:03:12.000Z',
    }) as Message;
  const render = (m: Message) =>
    CallEvent({ message: m }) as VNode<{ class: string; 'data-status'?: string; children: VNode<{ type?: string; children?: unknown }>[] }>;

  it('is a line with an icon and the server text, not a bubble', () => {
    const line = render(event('Video call · 3:12', { type: 'video', status: 'ended', durationSeconds: 192 }));
    expect(line.type).toBe('li');
    expect(line.props.class).toBe('call-event');
    const [icon, body] = line.props.children;
    expect(icon!.type).toBe(CallIcon);
    expect(icon!.props.type).toBe('video');
    expect(body!.props.children).toBe('Video call · 3:12');
  });

  it('stands out for a missed call', () => {
    const line = render(event('Missed voice call', { type: 'audio', status: 'missed' }));
    expect(line.props.class).toBe('call-event trouble');
    expect(line.props['data-status']).toBe('missed');
    expect(line.props.children[0]!.props.type).toBe('audio');
  });
});

describe('a call link the agent sent', () => {
  const url = 'https://example.org/call/#aaa.bbb.ccc';
  const sent = (over: Partial<Message>): Message => ({ id: 'm1', conversationId: 'conv_1', senderType: 'agent', body: `Join the video call: ${url}`, messageType: 'text', sentAt: '2026-01-01T10:00:00.000Z', ...over }) as Message;

  it('is shown without its URL (clicking it would join as the visitor)', () => {
    const note = callLinkOf(sent({ metadata: { callLink: { service: 'video_call', expiresAt: '2026-01-01T10:30:00.000Z' } } }))!;
    expect(note).toEqual({ service: 'video_call', expiresAt: '2026-01-01T10:30:00.000Z' });
    const text = String((CallLinkMessage({ note }) as VNode<{ children: unknown[] }>).props.children.join(''));
    expect(text).toMatch(/^Video call link sent \(expires .+\)$/);
    expect(text).not.toContain('/call/#');
    // Sent before the metadata existed: recognised by its body.
    expect(callLinkOf(sent({}))).toEqual({});
    expect(previewText(`Join the voice call: ${url}`)).toBe('Call link sent');
  });

  it('is never read into a visitor’s message', () => {
    expect(callLinkOf(sent({ senderType: 'visitor' }))).toBeNull();
    expect(previewText('See you at 10')).toBe('See you at 10');
  });
});
