/**
 * English words of voice and video calls: imported only by the call chunk (`../call/`), so they
 * never weigh on the first screen. Other languages keep theirs in their one table (`ar.ts` …).
 * `useCallText()` hands them out; the call page (`demo/call/`), with no language around it, gets these.
 */
export const enCall = {
  startVoice: 'Start voice call',
  startVideo: 'Start video call',
  voiceCall: 'Voice call',
  videoCall: 'Video call',
  returnToCall: 'Return to call',
  showChat: 'Show the chat',
  controls: 'Call controls',
  mute: 'Mute microphone',
  cameraOff: 'Turn camera off',
  chooseDevices: 'Choose microphone and camera',
  cancelCall: 'Cancel call',
  hangUp: 'Hang up',
  close: 'Close',
  ourTeam: 'Our team',
  theirVideo: (name: string) => `${name}’s video`,
  yourCamera: 'Your camera',
  voiceOnly: 'No camera was found, so this call is voice only.',
  microphone: 'Microphone',
  camera: 'Camera',
  micFailed: 'That microphone could not be used.',
  cameraFailed: 'That camera could not be used.',
  // What is happening, under the call's title.
  allowBoth: 'Allow camera and microphone…',
  allowMic: 'Allow the microphone…',
  calling: 'Calling the team…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… The connection dropped for a moment.',
  connected: 'Connected',
  ended: 'Call ended',
  endedAfter: (time: string) => `Call ended · ${time}`,
  // Why a call ended or could not start.
  cancelled: 'Call cancelled',
  noAnswer: 'No one answered. Send us a message and we will get back to you.',
  declined: 'The team could not take your call right now. Send us a message instead.',
  notConnected: 'The call could not connect. Check your connection and try again.',
  dropped: 'The call dropped.',
  blocked: 'Your browser blocked the camera and microphone. Allow them for this site (the camera icon in the address bar, or your browser’s site settings), then try again.',
  insecure: 'Calls do not work on this page (it is not secure). Send us a message instead.',
  noDevices: 'No working camera or microphone was found. Connect one (or close other apps using it), then try again.',
  noMic: 'No microphone was found. Connect one (or check that no other app is using it), then try again.',
  droppedRetry: 'The call dropped. Check your connection and call again.',
  inProgress: 'A call is already going on in this conversation.',
  notAvailable: 'Calls are not available right now. Send us a message instead.',
  conversationEnded: 'This conversation has ended. Start a new one to call us.',
  couldNotStart: 'The call could not start. Check your connection and try again.',
  // The call events in the conversation.
  missedVoice: 'Missed voice call',
  missedVideo: 'Missed video call',
  failedVoice: 'Voice call failed',
  failedVideo: 'Video call failed',
  declinedVoice: 'Declined voice call',
  declinedVideo: 'Declined video call',
  // "Continue on your phone".
  onPhone: 'Continue on your phone',
  linkFailed: 'The link could not be made. Check your connection and try again.',
  openOnPhone: (until: string) => `Open this link on your phone (it works until ${until}):`,
  copied: 'Copied',
  copyLink: 'Copy link',
};

/** The words of calls, one table per language. */
export type CallText = typeof enCall;
