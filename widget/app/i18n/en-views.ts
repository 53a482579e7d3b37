/**
 * English words of the views loaded on demand (forms, rating, past conversations, files, the
 * message menu, the lightbox, the error state, AI mode and help search): imported only by those
 * chunks, so they never weigh on the first screen. `useViewText()` hands them out.
 */
import type { ErrorCode } from '../../../src/types.ts';

export const enViews = {
  dropFiles: 'Drop files to send',
  // Ended and read-only conversations.
  readOnly: 'This conversation was started on another device and can only be read here.',
  ended: 'This conversation has ended',
  youRated: (n: number) => `You rated this conversation ${n} out of 5. Thank you!`,
  backToMine: 'Back to my conversation',
  startNew: 'Start a new conversation',
  // Start-up failures.
  originNotAllowed: "Chat isn't available on this website.",
  notSetUp: "This chat isn't set up yet.",
  unavailable: "Chat isn't available right now.",
  // The pre-chat and offline forms.
  enterName: 'Please enter your name.',
  enterEmail: 'Please enter your email.',
  validEmail: 'Please enter a valid email, like name@example.com.',
  tryAgain: 'That did not work. Please try again.',
  optional: '(optional)',
  offlineIntro: 'No one is online right now. Leave your email and we will get back to you.',
  prechatIntro: 'Before we start, tell us who you are.',
  name: 'Name',
  email: 'Email',
  skip: 'Skip',
  saveEmail: 'Save email',
  startChat: 'Start chat',
  // The message menu and editor.
  edit: 'Edit',
  delete: 'Delete',
  editMessage: 'Edit message',
  cancel: 'Cancel',
  save: 'Save',
  // Past conversations.
  loadFailed: 'Could not load your conversations.',
  yourConversations: 'Your conversations',
  loading: 'Loading…',
  noConversations: 'No conversations yet.',
  openConversation: 'Open conversation',
  endedConversation: 'Ended conversation',
  noMessages: 'No messages',
  continue: 'Continue',
  readBack: 'Read',
  ratedStars: (n: number) => `★ ${n}/5`,
  shownNow: 'shown now',
  // Rating.
  stars: ['Bad', 'Poor', 'OK', 'Good', 'Great'],
  starLabel: (n: number, word: string) => `${n} of 5, ${word}`,
  howWasIt: 'How was this conversation?',
  commentPlaceholder: 'Anything to add? (optional)',
  comment: 'Comment (optional)',
  sendRating: 'Send rating',
  ratingFailed: 'Your rating could not be sent.',
  // Files, ratings and locations in the conversation.
  uploadFailed: 'The upload failed.',
  uploading: (name: string) => `Uploading ${name}`,
  rated: (n: number) => `Rated ${n} out of 5`,
  openMap: 'Open the location on a map',
  fileRemoved: 'File removed',
  fileUnavailable: 'File unavailable',
  viewImage: (name: string) => `View image ${name}`,
  openOriginal: 'Open original',
  closeImage: 'Close image',
  // AI mode and help search.
  aiTooFast: (s: number) => `You're asking a bit fast. Try again in ${s} s.`,
  aiNotReady: "Our assistant isn't ready yet, so your message went to our team. Someone will reply here.",
  aiOff: "Our assistant isn't available here, so your message went to our team. Someone will reply here.",
  aiFailed: "The assistant couldn't answer. Check your connection and try again.",
  aiLoadFailed: "The assistant couldn't load. Check your connection and try again.",
  handoffFailed: "We couldn't reach the team. Check your connection and try again.",
  stop: 'Stop',
  searchHelp: 'Search help',
  talkToPerson: 'Talk to a person',
  askPlaceholder: 'Ask a question…',
  askLabel: 'Question for the assistant',
  sources: 'Sources:',
  searchFailed: "Search isn't available right now. Try again in a moment.",
  articleFailed: "That article couldn't be opened. Try again in a moment.",
  helpArticles: 'Help articles',
  backToResults: '← Back to results',
  backToChat: '← Back to chat',
  searchPlaceholder: 'Search our help articles…',
  noArticles: 'No articles match. Ask the assistant or a person instead.',
  // Files refused before upload (sizes come formatted in the widget's language).
  fileEmpty: (name: string) => `“${name}” is empty.`,
  fileTooBig: (name: string, size: string, max: string) => `“${name}” is ${size}. Files can be up to ${max}.`,
  fileType: (name: string) => `“${name}” is a type of file that cannot be sent here.`,
  // Why something failed, by the runtime's error code; another code shows the server's message.
  errors: {
    ATTACHMENT_TOO_LARGE: 'The file is too large to send.',
    ATTACHMENT_IMAGE_TOO_LARGE: 'This image is too large to send.',
    PAYLOAD_TOO_LARGE: 'The file is too large to send.',
    ATTACHMENT_TYPE_NOT_ALLOWED: 'This type of file cannot be sent here.',
    UNSUPPORTED_MEDIA_TYPE: 'This type of file cannot be sent here.',
    ATTACHMENT_EMPTY: 'The file is empty.',
    ATTACHMENT_LIMIT_REACHED: 'Too many files are waiting. Send or remove some first.',
    MESSAGE_EDIT_WINDOW_PASSED: 'This message can no longer be changed.',
    MESSAGE_NOT_EDITABLE: 'This message cannot be changed.',
    CONVERSATION_CLOSED: 'This conversation has ended.',
    VALIDATION_FAILED: 'The message could not be sent as it is.',
    RATE_LIMITED: 'Sending too fast. Wait a moment and try again.',
    NETWORK_ERROR: 'Check your connection and try again.',
    NETWORK_UNAVAILABLE: 'Check your connection and try again.',
    REALTIME_DISCONNECTED: 'Check your connection and try again.',
  } as Partial<Record<ErrorCode, string>>,
  // The consent note (`commands/consent-gate.tsx`) before the visitor agreed to storage.
  consentTitle: 'Chat needs your consent',
  consentText: 'To chat with us, this site stores a visitor id on your device and connects to the chat service.',
  consentAccept: 'Accept and chat',
  // The page title while a new message waits.
  // English has two forms (`one` for 1 only).
  newMessages: (n: number) => (n === 1 ? '(1) New message' : `(${n}) New messages`),
};

/** The words of the views loaded on demand, one table per language. */
export type ViewText = typeof enViews;
