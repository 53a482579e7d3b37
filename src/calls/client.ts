/**
 * The visitor's calls (extensions.md §15), a chunk `runtime.calls()` loads on first use: the
 * core is at its size budget and most visitors never call. Wraps the engine (`call.ts`) with
 * what the runtime knows: the session (its HTTP client), the socket (this tab's, or the one the
 * leader tab relays, so signaling works from any tab), the open conversation and the services.
 */
import { computed, signal } from '@preact/signals-core';
import type { CallLink, CallLinkService, ClientFrame, ServerFrame } from '../contract/extensions.ts';
import type { ConversationController } from '../conversation.ts';
import { RuntimeError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { Runtime, RuntimeOptions } from '../types.ts';
import { placeCall, started } from './call.ts';
import { mediaDevicesOf } from './media.ts';
import type { ActiveCall, CallHost, Calls } from './types.ts';

/** The socket as the calls need it. */
interface Socket {
  send(frame: ClientFrame): boolean;
  onFrame(listener: (frame: ServerFrame) => void): () => void;
  onReady(listener: () => void): () => void;
}

const enc = encodeURIComponent;

/**
 * Starts the runtime if needed and returns the calls client. Positional parameters, as for
 * `createAiChat`: the call site is in the core, where names would not be minified.
 * @param socket the realtime connection once started; none with `realtime: false` (calls then cannot connect)
 * @param stops teardowns the runtime's `destroy()` runs: it hangs up a call in progress
 * @param options the runtime's options: `mediaDevices` and `RTCPeerConnection` where injected, `realtime`
 */
export async function createCalls(
  runtime: Pick<Runtime, 'start' | 'bootstrap'>,
  http: HttpClient,
  conversation: ConversationController,
  socket: () => Socket | null,
  stops: Array<() => void>,
  options: Pick<RuntimeOptions, 'mediaDevices' | 'RTCPeerConnection' | 'realtime'>,
): Promise<Calls> {
  await runtime.start();
  const current = signal<ActiveCall | null>(null);
  // Set before the first await of `start`: a double tap must not place two calls.
  let placing = false;
  // A call needs media devices (browsers hide them on an `http:` page), WebRTC, and the socket
  // for its signaling (none with `realtime: false`: such a call would ring, be answered, and fail).
  const RTC = options.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
  const usable = options.realtime !== false && !!mediaDevicesOf(options.mediaDevices)?.getUserMedia && !!RTC;
  const offered = (key: string) => usable && (runtime.bootstrap.value?.services.some((s) => s.key === key && s.status === 'available') ?? false);
  const host: CallHost = {
    role: 'visitor',
    request: <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, how?: { readonly keepalive?: boolean }) =>
      method === 'GET'
        ? http.get<T>(path)
        : method === 'POST'
          ? http.post<T>(path, body)
          : // `keepalive` reaches `fetch` once the HTTP client passes it on (a hang-up while the page unloads).
            http.patch<T>(path, body, how as Parameters<HttpClient['patch']>[2]),
    send: (frame) => socket()?.send(frame) ?? false,
    onFrame: (listener) => socket()?.onFrame(listener) ?? (() => {}),
    onReady: (listener) => socket()?.onReady(listener) ?? (() => {}),
    mediaDevices: options.mediaDevices,
    RTCPeerConnection: options.RTCPeerConnection,
  };
  stops.push(() => void current.peek()?.hangUp());

  return {
    available: computed(() => ({ audio: offered('voice_call'), video: offered('video_call') })),
    current,
    async start(type) {
      if (current.peek() || placing) throw new RuntimeError('CALL_IN_PROGRESS', 'Expected no call in progress in this tab, but one is: hang it up first.');
      // Checked before the media prompt: asking for a camera to then be refused by the server helps nobody.
      if (!offered(type === 'video' ? 'video_call' : 'voice_call'))
        throw new RuntimeError(
          'FEATURE_NOT_AVAILABLE',
          usable
            ? `Expected ${type} calls to be offered, but this team has them turned off.`
            : 'Expected a secure (https) page with media devices, WebRTC and the realtime connection to call, but one is missing.',
          usable ? { status: 403 } : {},
        );
      placing = true;
      let call: ActiveCall;
      try {
        call = placeCall(host, { conversationId: await conversation.ensure(), type });
      } finally {
        placing = false;
      }
      current.value = call;
      const off = call.phase.subscribe((p) => {
        if (p !== 'ended') return;
        if (current.peek() === call) current.value = null;
        queueMicrotask(() => off());
      });
      return started(call);
    },
    async createLink(service: CallLinkService) {
      const cid = await conversation.ensure();
      return (await http.post<{ callLink: CallLink }>(`chat/visitor/conversations/${enc(cid)}/call-links`, { service })).callLink;
    },
  };
}
