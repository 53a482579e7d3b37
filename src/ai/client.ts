/**
 * The visitor's AI chat (extensions.md §14), a chunk `runtime.ai()` loads on first use: the core
 * is at its size budget and most visitors never ask the AI.
 *
 * Questions go to `POST /ai/visitor/chat`; with a live socket the answer streams as `ai.delta`
 * frames (buffered by `streamId`, since they can arrive before the HTTP answer names the stream)
 * and ends with `ai.done`, whose stored message is merged into the conversation in the same
 * update that marks the streaming answer done, so the text never shows twice.
 */
import { batch, computed, signal, type Signal } from '@preact/signals-core';
import type {
  AiChatResult,
  AiConversation,
  AiDoneFrame,
  AiMessageMetadata,
  AiRouting,
  KnowledgeArticle,
  KnowledgeSearchResult,
} from '../contract/extensions.ts';
import type { ConversationController } from '../conversation.ts';
import { isRuntimeError, toRuntimeError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { RealtimeConnection } from '../realtime.ts';
import type { Runtime } from '../types.ts';
import { uuid } from '../lib/uuid.ts';
import type { AiAnswer, AiChat, AiStreamingAnswer } from './types.ts';

interface Stream {
  pieces: string[];
  done?: AiDoneFrame;
}

/** An `ask` waiting for its stream to end. */
interface Waiter {
  questionId: string;
  resolve(answer: AiAnswer): void;
}

// Streams whose frames came before their HTTP answer (or were never claimed) kept at most.
const KEPT_STREAMS = 20;
const enc = encodeURIComponent;

const metaOf = (m: { metadata?: Readonly<Record<string, unknown>> } | undefined) => m?.metadata?.ai as AiMessageMetadata | undefined;

/**
 * Loads the routing and returns the client. Rejects with a `RuntimeError` when the runtime cannot
 * start or the routing read fails. Positional parameters: the call is in the core, which is at
 * its size budget, and names would not be minified there.
 * @param runtime its `status` (answers stream only while `connected`, else they come as JSON) and `start()`
 * @param http a client that sends the visitor's session token
 * @param socket the realtime connection (this tab's, or the one the leader tab relays) once started; none with `realtime: false`
 * @param stops teardowns the runtime's `destroy()` runs
 */
export async function createAiChat(
  runtime: Pick<Runtime, 'status' | 'start'>,
  http: HttpClient,
  conversation: ConversationController,
  socket: () => Pick<RealtimeConnection, 'onFrame'> | null,
  stops: Array<() => void>,
): Promise<AiChat> {
  const { handle } = conversation;
  let routing: Signal<AiRouting | null>;
  try {
    await runtime.start();
    routing = signal<AiRouting | null>(await http.get<AiRouting>('ai/visitor/routing'));
  } catch (error) {
    throw toRuntimeError(error, 'loading the AI chat');
  }
  const answer = signal<AiStreamingAnswer | null>(null);
  // Conversations this client knows as AI conversations, and those it saw handed to a person.
  const known = new Set<string>();
  const passed = signal<ReadonlySet<string>>(new Set());
  const pass = (cid: string) => void (passed.value = new Set(passed.value).add(cid));
  const streams = new Map<string, Stream>();
  // By streamId: a question asked while another answer streams gets its own end.
  const waiters = new Map<string, Waiter>();

  const handedOff = computed(() => {
    const cid = handle.id.value;
    if (!cid) return false;
    // A person wrote, or the handoff note is in the transcript (also after a reload).
    return passed.value.has(cid) || handle.messages.value.some((m) => m.senderType === 'agent' || (m.messageType === 'system' && !!m.metadata?.handoff));
  });

  function stream(streamId: string): Stream {
    let s = streams.get(streamId);
    if (!s) {
      streams.set(streamId, (s = { pieces: [] }));
      if (streams.size > KEPT_STREAMS) streams.delete(streams.keys().next().value!);
    }
    return s;
  }

  /** Shows the stream's state in `answer` (when it is the newest) and settles its `ask` once it is done. */
  function update(streamId: string) {
    const s = streams.get(streamId);
    if (!s) return;
    const { done } = s;
    const text = s.pieces.join('');
    if (answer.peek()?.streamId === streamId) answer.value = { streamId, text, done: !!done, cancelled: !!done?.cancelled };
    const w = waiters.get(streamId);
    if (!done || !w) return;
    waiters.delete(streamId);
    streams.delete(streamId);
    if (done.handedOff) pass(done.conversationId);
    const meta = metaOf(done.message);
    w.resolve({
      text: done.message?.body ?? text,
      messageId: done.message?.messageId,
      citations: meta?.citations ?? [],
      handoffRecommended: done.handoffRecommended,
      handoffReason: meta?.handoffReason,
      handedOff: done.handedOff,
      cancelled: done.cancelled,
    });
  }

  stops.push(
    socket()?.onFrame((frame) => {
      if (frame.type !== 'ai.delta' && frame.type !== 'ai.done') return;
      const s = stream(frame.streamId);
      // One update: the stored message arrives as the streaming answer ends.
      batch(() => {
        if (frame.type === 'ai.delta') s.pieces[frame.index] = frame.delta;
        else {
          s.done = frame;
          const m = frame.message;
          if (m) conversation.receive({ type: 'message.created', conversationId: frame.conversationId, seq: m.seq, message: m });
        }
        update(frame.streamId);
      });
    }) ?? (() => undefined),
    // `ai.done` is not replayed: when the socket dropped mid-stream, the stored answer comes
    // from the catch-up read instead, and it ends the stream too.
    handle.messages.subscribe((list) => {
      for (const [streamId, w] of waiters) {
        const m = list.find((x) => x.senderType === 'ai' && metaOf(x)?.replyTo === w.questionId);
        const meta = metaOf(m);
        if (!m || !meta || streams.get(streamId)?.done) continue;
        const cancelled = !!meta.cancelled;
        const cid = handle.id.peek()!;
        stream(streamId).done = {
          type: 'ai.done',
          conversationId: cid,
          aiConversationId: '',
          streamId,
          handoffRecommended: meta.handoffRecommended,
          // The server hands off with every answer that recommends it (never a stopped one).
          handedOff: meta.handoffRecommended && !cancelled,
          cancelled,
          message: { ...m, messageId: m.id, conversationId: cid, seq: m.seq ?? 0 },
        };
        // After this update (a subscriber must not write the signals it is called for).
        queueMicrotask(() => update(streamId));
      }
    }),
  );

  /** The open conversation as an AI conversation, shown in `runtime.conversation`. */
  async function ensure(): Promise<string> {
    const cid = handle.id.value;
    if (cid && known.has(cid) && !handle.closed.value) return cid;
    const opened = await http.post<AiConversation>('ai/visitor/conversations', {});
    known.add(opened.conversationId);
    if (opened.handedOff) pass(opened.conversationId);
    // Shown like one opened in another tab (unless a past one is browsed).
    conversation.receive({ type: 'conversation.updated', conversation: opened.conversation });
    return opened.conversationId;
  }

  async function post(request: object): Promise<AiChatResult> {
    try {
      return await http.post<AiChatResult>('ai/visitor/chat', request);
    } catch (error) {
      // The answer was lost on the way: the same clientMessageId is not a second question.
      if (isRuntimeError(error) && error.retryable && error.code !== 'RATE_LIMITED') return http.post<AiChatResult>('ai/visitor/chat', request);
      throw error;
    }
  }

  return {
    routing,
    answer,
    handedOff,
    async ask(question) {
      await runtime.start();
      const cid = await ensure();
      const live = runtime.status.value === 'connected';
      let result: AiChatResult;
      try {
        result = await post({ message: question, conversationId: cid, stream: live, metadata: { clientMessageId: uuid() } });
      } catch (error) {
        if (isRuntimeError(error) && error.code === 'CONVERSATION_HANDED_OFF') pass(cid);
        throw error;
      }
      const { metadata } = result;
      const streamId = metadata.streamId;
      if (!metadata.streaming || !streamId) {
        if (metadata.handedOff) pass(cid);
        // Without the socket the question and answer come from history.
        await conversation.catchUp();
        return {
          text: result.message,
          messageId: metadata.messageId,
          citations: metadata.citations ?? [],
          handoffRecommended: !!result.handoffRecommended,
          handoffReason: metadata.handoffReason,
          handedOff: !!metadata.handedOff,
          cancelled: false,
        };
      }
      return new Promise<AiAnswer>((resolve) => {
        waiters.set(streamId, { questionId: metadata.questionMessageId, resolve });
        answer.value = { streamId, text: '', done: false, cancelled: false };
        // Pieces (or the end) that came before this answer.
        stream(streamId);
        update(streamId);
      });
    },
    async stop() {
      const now = answer.value;
      if (now && !now.done) await http.post('ai/visitor/chat/cancel', { streamId: now.streamId });
    },
    async handoff() {
      await runtime.start();
      const cid = await ensure();
      const done = await http.post<AiConversation>('ai/visitor/handoff', { conversationId: cid });
      pass(cid);
      conversation.receive({ type: 'conversation.updated', conversation: done.conversation });
    },
    async search(query, limit) {
      return (await http.post<{ results: KnowledgeSearchResult[] }>('ai/visitor/knowledge/search', { query, ...(limit && { limit }) })).results;
    },
    async article(articleId) {
      return (await http.get<{ article: KnowledgeArticle }>(`ai/visitor/knowledge/articles/${enc(articleId)}`)).article;
    },
  };
}
