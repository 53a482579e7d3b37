/**
 * English words of the widget's first screen (launcher, header, conversation, composer): part of
 * the app's first chunk, so they cost bytes on every page. Words of the views loaded later live
 * in `en-views.ts`; other languages are one chunk each (`es.ts`, `id.ts`, `ar.ts`).
 * English counts have two forms (`Intl.PluralRules('en')`: `one` for 1 only), written inline
 * here to keep `plural.ts` out of the first chunk; other languages use `plural()`.
 */
export const en = {
  chat: 'Chat',
  openChat: 'Open chat',
  openChatUnread: (n: number) => (n === 1 ? 'Open chat, 1 unread message' : `Open chat, ${n} unread messages`),
  closeChat: 'Close chat',
  online: 'Online · We reply in a few minutes',
  away: 'Away · Leave a message',
  offline: 'Offline · Leave a message',
  awayReply: (min: number) => `Away · We usually reply in about ${min} min`,
  offlineReply: (min: number) => `Offline · Leave a message. We usually reply in about ${min} min`,
  pastConversations: 'Past conversations',
  backToConversation: 'Back to the conversation',
  reconnecting: 'Reconnecting…',
  youAreOffline: "You're offline. Messages will be sent when you're back.",
  slowDown: (s: number) => (s ? `Sending too fast — retrying in ${s} s` : 'Sending too fast — retrying…'),
  typing: (name: string) => `${name} is typing…`,
  agent: 'Agent',
  assistant: 'Assistant',
  messages: 'Messages',
  loadingMessages: 'Loading messages…',
  sending: 'Sending…',
  notSent: 'Not sent.',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  edited: 'edited',
  retry: 'Retry',
  remove: 'Remove',
  messageDeleted: 'Message deleted',
  dismiss: 'Dismiss',
  attachFile: 'Attach a file',
  writeMessage: 'Write a message…',
  message: 'Message',
  send: 'Send',
  messageOptions: 'Message options',
  fileNotSent: 'The file could not be sent. Check your connection and try again.',
};

/** The first screen's words, one table per language. */
export type CoreText = typeof en;
