/** A message shows a signed attachment link only for a file it owns (review finding S1). */
import { describe, expect, it } from 'vitest';
import type { AttachmentLinks } from '../../../demo/server/attachments/links.ts';
import { type MessageRow, toMessage } from '../../../demo/server/store/messages.ts';

const links: AttachmentLinks = { sign: (id) => ({ url: `https://files.test/${id}?sig=ok`, expiresAt: '2030-01-01T00:00:00.000Z' }) };

const row = (over: Partial<MessageRow>): MessageRow => ({
  id: 'msg_1',
  conversation_id: 'conv_1',
  seq: 1,
  client_message_id: null,
  sender_type: 'agent',
  sender_id: 'agent-1',
  sender_name: 'Alex',
  body: '',
  message_type: 'image',
  metadata: { attachment: { attachmentId: 'att_1', name: 'a.png', url: 'javascript:alert(1)' } },
  sent_at: '2026-01-01T00:00:00.000Z',
  edited_at: null,
  deleted_at: null,
  delivered_at: null,
  read_at: null,
  ...over,
});

describe('toMessage attachment links', () => {
  it('signs the link of an attachment message that owns the file, replacing any stored url', () => {
    const message = toMessage(row({}), links, new Map([['att_1', 'msg_1']]));
    expect(message.metadata).toEqual({ attachment: { attachmentId: 'att_1', name: 'a.png', url: 'https://files.test/att_1?sig=ok', expiresAt: '2030-01-01T00:00:00.000Z' } });
  });

  it('signs nothing for a file owned by another message, and never passes a stored url on', () => {
    const message = toMessage(row({}), links, new Map([['att_1', 'msg_other']]));
    expect(message.metadata).toEqual({ attachment: { attachmentId: 'att_1', name: 'a.png' } });
  });

  it('shows no attachment at all on a text message', () => {
    const message = toMessage(row({ message_type: 'text', metadata: { attachment: { attachmentId: 'att_1' }, note: 'x' } }), links, new Map([['att_1', 'msg_1']]));
    expect(message.metadata).toEqual({ note: 'x' });
  });
});
