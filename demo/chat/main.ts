/**
 * The hosted chat page, `/chat/{slug}` (extensions.md §16): the widget as the whole page, for
 * mobile shells (a WebView) and plain links. It reports to the shell through the native bridge.
 */
import { mountWidget } from '../../widget/index.ts';
import { createBridge } from './bridge.ts';
import { fullPage } from './full-page.ts';
import { installNativeCommands } from './native-commands.ts';
import { installUpdatePrompt } from './update-prompt.ts';

/** The tenant slug is the path's last segment: `/chat/acme` → `acme`. */
const slug = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop() ?? '');
const post = createBridge(window);
const target = document.getElementById('chat')!;

const widget = mountWidget({ baseUrl: `${location.origin}/api`, slug, target, open: true, titleBlink: false });
const { runtime } = widget;
const host = target.querySelector('ringnity-widget');
if (host?.shadowRoot) fullPage(host.shadowRoot, () => post({ type: 'close' }));
installNativeCommands(window, runtime, post);
// Offline start and updates that wait for the visitor (sw.ts); the tenant's language, else the browser's.
installUpdatePrompt(window, {
  languages: () => [widget.runtime.bootstrap.value?.branding?.locale, ...navigator.languages],
  // Reaches into the widget's class names like full-page.ts (its test fails if they change).
  below: () => host?.shadowRoot?.querySelector('.header')?.getBoundingClientRect().bottom ?? 0,
});

// `ready` once the chat works: when start() resolves, or, after a failed start the widget
// retries by itself, when the connection comes up.
let ready = false;
const announce = () => {
  if (ready) return;
  ready = true;
  post({ type: 'ready', slug });
  // From here on, every change of the unread count (the page hidden behind the app, a reply
  // arrives; the visitor looks again, back to 0).
  let last = runtime.unread.value;
  runtime.unread.subscribe((count) => {
    if (count !== last) post({ type: 'unread', count });
    last = count;
  });
};
runtime.start().then(announce, () => undefined);
runtime.status.subscribe((status) => {
  if (status === 'connected') announce();
});

runtime.on('message', (m) => {
  if (m.senderType === 'visitor') return;
  post({ type: 'message', messageId: m.messageId, conversationId: m.conversationId, senderType: m.senderType, body: m.body, messageType: m.messageType, sentAt: m.sentAt });
});
