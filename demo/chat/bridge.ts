/**
 * The native bridge of the hosted chat page (extensions.md §16): events go to whichever shell
 * hosts the page, as `{ type, ...payload }`.
 *
 * | shell                          | receives                                                      |
 * | ------------------------------ | ------------------------------------------------------------- |
 * | React Native (react-native-webview) | `window.ReactNativeWebView.postMessage(json)` → `onMessage` |
 * | iOS (WKWebView)                | `window.webkit.messageHandlers.ringnity.postMessage(object)`  |
 * | Android (WebView)              | `window.RingnityBridge.postMessage(json)` (`@JavascriptInterface`) |
 *
 * Each is looked up at every post (a shell may inject its object after the page started); with
 * none present (a plain browser tab) posting does nothing.
 */
import type { ErrorCode, Message } from '../../src/index.ts';

/** What the page tells the app. */
export type BridgeEvent =
  /** The chat is up: bootstrap done, session open, conversation loaded. */
  | { type: 'ready'; slug: string }
  /** Messages from others the visitor has not seen (0 when they look again). */
  | { type: 'unread'; count: number }
  /** The visitor closed the chat: dismiss the web view. */
  | { type: 'close' }
  /** `RingnityChat.registerPush` / `unregisterPush` succeeded (native-commands.ts). */
  | { type: 'push'; enabled: true; deviceId: string | null }
  | { type: 'push'; enabled: false; disabled: number }
  /** A command from the shell failed: the runtime's error code and message. */
  | { type: 'error'; code: ErrorCode; message: string }
  /** A message from the team (agent or AI) arrived. */
  | ({ type: 'message' } & Pick<Message, 'messageId' | 'conversationId' | 'senderType' | 'body' | 'messageType' | 'sentAt'>);

/** The objects shells inject, each optional. */
interface NativeHosts {
  ReactNativeWebView?: { postMessage(message: string): void };
  webkit?: { messageHandlers?: { ringnity?: { postMessage(message: unknown): void } } };
  RingnityBridge?: { postMessage(message: string): void };
}

/** Returns `post(event)`, which hands the event to every shell present in `win`. */
export function createBridge(win: Window): (event: BridgeEvent) => void {
  const hosts = win as Window & NativeHosts;
  return (event) => {
    const json = JSON.stringify(event);
    // One shell failing (a handler the app removed) must not keep the event from the others.
    const attempt = (post: () => void) => {
      try {
        post();
      } catch {
        // Nothing to tell: the page works the same without its shell.
      }
    };
    if (typeof hosts.ReactNativeWebView?.postMessage === 'function') attempt(() => hosts.ReactNativeWebView!.postMessage(json));
    // WKScriptMessageHandler receives a structured clone: an object, not a string to parse.
    const ios = hosts.webkit?.messageHandlers?.ringnity;
    if (typeof ios?.postMessage === 'function') attempt(() => ios.postMessage(JSON.parse(json) as unknown));
    if (typeof hosts.RingnityBridge?.postMessage === 'function') attempt(() => hosts.RingnityBridge!.postMessage(json));
  };
}
