/** The timeline entry of a file whose bytes are not up yet. */
import type { ChatMessage, MessageType } from '../types.ts';
import type { Pending } from './types.ts';

const kindOf = (file: Blob): MessageType => /^(image|audio|video)\//.exec(file.type)?.[1] ?? 'file';

/** A new upload's entry: `sending`, progress 0. */
export const pendingEntry = ({ key, file, name, sentAt }: Omit<Pending, 'settle' | 'fail'>): ChatMessage => ({
  id: key,
  key,
  clientMessageId: key,
  body: '',
  senderType: 'visitor',
  sentAt,
  state: 'sending',
  messageType: kindOf(file),
  upload: { file, name, progress: 0 },
});
