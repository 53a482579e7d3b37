/**
 * `createRuntime`: one visitor of one tenant. Wires the pieces: bootstrap and session, the
 * conversation with its outbox, and the realtime socket whose every `ready` triggers a
 * catch-up read and a retry of pending sends.
 */
import { signal } from '@preact/signals-core';
import type { Availability, ConversationList, RuntimeBootstrap } from './contract/extensions.ts';
import { defaultTransport } from './attachments.ts';
import { createConversation } from './conversation.ts';
import { RuntimeError, toRuntimeError } from './errors.ts';
import { createHttp } from './http.ts';
import { createEmitter } from './lib/emitter.ts';
import { hasDocument, onPage } from './lib/env.ts';
import { createLogger } from './lib/log.ts';
import { once } from './lib/once.ts';
import { createRealtime, requireWebSocket, type RealtimeConnection, type RealtimeOptions } from './realtime.ts';
import { createSession, fetchBootstrap } from './session.ts';
import { defaultStorage, namespaced } from './storage.ts';
import type { Share } from './tabs/share.ts';
import type { Runtime, RuntimeEvents, RuntimeOptions, RuntimeStatus } from './types.ts';

/**
 * Creates the runtime. Nothing happens on the network until `start()`.
 * @example
 * const runtime = createRuntime({ baseUrl: 'https://api.ringnity.com/api', slug: 'acme' });
 * await runtime.start();
 * await runtime.conversation.send('Hello!');
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const log = createLogger(options.debug);
  const { baseUrl, fetch } = options;
  const tenant = options.slug ?? options.publicKey;
  const storage = namespaced(options.storage ?? defaultStorage(), tenant ?? '');
  const events = createEmitter<RuntimeEvents>();
  // A 429 is shown ("try again in N s") while the request waits it out, never swallowed; the
  // socket's failures go out the same way.
  const emitError = (e: RuntimeError) => events.emit('error', e);
  const publicHttp = createHttp({ baseUrl, fetch, onRateLimited: emitError });
  // A renewed token goes to the open socket too, so it is not closed when the old one expires.
  const session = createSession({ ...options, http: publicHttp, storage, log, onToken: (token) => realtime?.send({ type: 'auth', token }) });
  const renew = (_: unknown, rejected: string | null) => session.refresh(rejected);
  const http = createHttp({ baseUrl, fetch, getToken: session.getToken, onAuthError: renew, onRateLimited: emitError });

  const status = signal<RuntimeStatus>('idle');
  const bootstrap = signal<RuntimeBootstrap | null>(null);
  const error = signal<RuntimeError | null>(null);
  const unread = signal(0);
  const availability = signal<Availability | null>(null);
  // Shared among tabs only in a browser page: Node has a BroadcastChannel too, but a process
  // with many runtimes (a server, a load test) means many visitors, each with its own socket.
  const shareable = options.shareConnection ?? hasDocument();
  const leader = signal(!shareable);
  // The socket and unread counts shared with the other tabs (tabs/share.ts, loaded at start).
  let sharing: Share | undefined;
  let visible = false;
  let realtime: RealtimeConnection | null = null;
  let starting: Promise<void> | null = null;
  let destroyed = false;
  const stops: Array<() => void> = [];

  const conversation = createConversation({
    baseUrl,
    visitorId: session.visitorId,
    http,
    storage,
    visitor: options.visitor,
    log,
    onIncoming(message) {
      if (visible) sharing?.seen(message.conversationId, message.seq);
      else if (!sharing?.seenElsewhere(message)) unread.value++;
      events.emit('message', message);
    },
    sendFrame: (frame) => realtime?.send(frame),
    isVisible: () => visible,
    upload: options.upload ?? defaultTransport(),
  });
  const readAvailability = async () => void (availability.value = await http.get<Availability>('chat/visitor/availability'));
  const report = (what: string) => (e: unknown) => {
    log(what, e);
    emitError(toRuntimeError(e, what));
  };

  async function run() {
    if (!tenant) throw new RuntimeError('SDK_CLIENT_NOT_FOUND', 'Expected `slug` or `publicKey` in the runtime options, received neither.');
    // Before any request, so it never goes out in a URL; the message does not repeat it.
    if ([options.publicKey, options.contextToken].some((v) => v?.startsWith('sk_'))) throw new RuntimeError('SERVER_API_KEY_EXPOSED', 'Expected a public key, received a secret Server API key.');
    const live = options.realtime !== false;
    // Fail before any request when realtime cannot work here (Node 20 has no WebSocket).
    const WebSocket = live ? requireWebSocket(options.WebSocket) : undefined;
    // The tab-sharing code is a chunk of its own, fetched while the bootstrap loads: Node, mobile
    // shells and pages that share nothing never load it. Failing to load it, this tab keeps a
    // socket of its own (it works, only without sharing). The import error names the chunk,
    // so it is logged as it is (a label of our own cost the bytes `devices` needed).
    const loading = shareable && WebSocket ? import('./tabs/share.ts').catch(log) : undefined;
    bootstrap.value = await fetchBootstrap(publicHttp, options);
    await session.getToken();
    // Back online or on the tab: sends that failed for a passing reason go again (also without a socket).
    if (!destroyed) stops.push(onPage({ wake: conversation.flush }));
    const shareWith = (await loading)?.share;
    if (WebSocket && !realtime && !destroyed) {
      const url = realtimeUrl(baseUrl, bootstrap.value.sdk?.realtimePath);
      const create = (shared?: Pick<RealtimeOptions, 'isVisible' | 'onError'>) =>
        createRealtime({ url, getToken: session.getToken, onTokenRejected: renew, WebSocket, log, onError: emitError, ...shared });
      // Per visitor: tabs that ended up as different visitors must not read each other's frames.
      const name = `ringnity|${url}|${tenant}|${session.visitorId()}`;
      sharing = shareWith?.({ name, create, visitor: session.visitorId, conversation: conversation.handle, isVisible: () => visible, unread, leader, onError: emitError });
      if (sharing) stops.push(sharing.stop);
      else leader.value = true;
      const rt = (realtime = sharing?.realtime ?? create());
      stops.push(
        rt.status.subscribe((s) => (status.value = s)),
        rt.onFrame((frame) => (frame.type === 'availability' ? (availability.value = frame.availability) : conversation.receive(frame))),
        rt.onReady(() => {
          void conversation.catchUp().catch(report('catching up'));
          // Changes while the socket was down were not pushed.
          void readAvailability().catch(report('reading availability'));
          conversation.flush();
        }),
      );
      rt.connect();
    }
    await Promise.all([conversation.load(), availability.value ?? readAvailability()]);
    // Replies that came while the visitor was away (not read yet) count too, not only live ones.
    if (!visible) unread.value = conversation.handle.messages.value.filter((m) => m.senderType !== 'visitor' && !m.readAt && !m.deleted).length;
  }

  const runtime: Runtime = {
    status,
    bootstrap,
    error,
    unread,
    leader,
    availability,
    conversation: conversation.handle,
    conversations: {
      list: async () => (await http.get<ConversationList>('chat/visitor/conversations', { searchParams: { limit: 100 } })).conversations,
      open: conversation.open,
    },
    hasVisitor: session.hasCredential,
    async identify(visitor, metadata) {
      await http.post('chat/visitor/sessions', { visitor, metadata });
    },
    start() {
      starting ??= run().catch((thrown: unknown) => {
        const e = toRuntimeError(thrown, 'starting the runtime');
        // A transient failure may be retried by calling start() again; a fatal one sticks.
        if (e.retryable) starting = null;
        else error.value = e;
        emitError(e);
        throw e;
      });
      return starting;
    },
    setVisible(next) {
      visible = next;
      if (next) {
        unread.value = 0;
        sharing?.seen();
        conversation.seen();
      }
    },
    on: events.on,
    // The AI client and the calls: chunks loaded on first use (the core is at its size budget).
    ai: once(() => import('./ai/client.ts').then((m) => m.createAiChat(runtime, http, conversation, () => realtime, stops))),
    calls: once(() => import('./calls/client.ts').then((m) => m.createCalls(runtime, http, conversation, () => realtime, stops, options))),
    // Push tokens (extensions.md §16): a chunk too; it needs a session, not a started runtime.
    devices: {
      register: (device) => import('./devices/client.ts').then((m) => m.register(http, device)),
      unregister: (device) => import('./devices/client.ts').then((m) => m.unregister(http, device)),
    },
    destroy() {
      destroyed = true;
      for (const stop of stops.splice(0)) stop();
      realtime?.close();
      session.destroy();
      conversation.destroy();
      status.value = 'closed';
      events.clear();
    },
  };
  return runtime;
}

/**
 * The socket URL: `realtimePath` resolved like a link against `baseUrl/` (extensions.md §6),
 * `http→ws`. The older absolute form (`/api/realtime`) names the server's own `/api` prefix,
 * which a proxy may have moved (`https://host/prefix/api`): it is taken as relative to the
 * base's last segment, so both forms give `wss://host/prefix/api/realtime`.
 */
export function realtimeUrl(baseUrl: string, realtimePath = 'realtime'): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const last = `/${base.split('/').at(-2)}/`;
  const url = new URL(realtimePath.startsWith(last) ? realtimePath.slice(last.length) : realtimePath, base);
  url.protocol = url.protocol.replace('http', 'ws');
  return url.href;
}
