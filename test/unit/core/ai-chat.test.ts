import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, isRuntimeError, type AiMessageMetadata, type Runtime, type WebSocketLike } from '../../../src/index.ts';
import { useRealServer } from './real-server.ts';
import { startVisitor } from './visitor.ts';

const real = useRealServer();

async function visitor(options: { realtime?: boolean } = {}) {
  if (options.realtime === false) {
    const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, storage: createMemoryStorage(), realtime: false });
    real.runtimes.push(runtime);
    await runtime.start();
    return runtime;
  }
  const { runtime } = await startVisitor(real.server);
  real.runtimes.push(runtime);
  return runtime;
}

/** Every distinct text the streaming answer showed, in order. */
function watchAnswer(runtime: Runtime, ai: Awaited<ReturnType<Runtime['ai']>>) {
  const texts: string[] = [];
  const stop = ai.answer.subscribe((a) => {
    if (a && !a.done && texts.at(-1) !== a.text) texts.push(a.text);
  });
  return { texts, stop, runtime };
}

describe('the visitor’s AI chat (ai_first, real server)', () => {
  it('streams an answer piece by piece, and the stored answer shows in the conversation', async () => {
    const runtime = await visitor();
    const ai = await runtime.ai();
    expect(await runtime.ai()).toBe(ai);
    expect(ai.routing.value).toMatchObject({ mode: 'ai_first', canUseAi: true });
    const { texts, stop } = watchAnswer(runtime, ai);

    const answer = await ai.ask('How long does delivery take?');
    stop();

    expect(texts.length).toBeGreaterThan(2);
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
    expect(ai.answer.value).toMatchObject({ done: true, cancelled: false, text: answer.text });
    expect(answer.citations.map((c) => c.url)).toContain('/help/shipping-times');
    expect(answer.handedOff).toBe(false);
    // The conversation adopted the AI conversation: the question, then the stored answer.
    const cid = runtime.conversation.id.value!;
    expect(cid).toBeTruthy();
    const shown = runtime.conversation.messages.value;
    expect(shown.map((m) => [m.senderType, m.body])).toEqual([
      ['visitor', 'How long does delivery take?'],
      ['ai', answer.text],
    ]);
    expect((shown[1]!.metadata?.ai as AiMessageMetadata).citations[0]?.articleId).toBe('shipping-times');
    const stored = await real.agent.messages(cid);
    expect(stored.at(-1)).toMatchObject({ senderType: 'ai', body: answer.text, messageId: answer.messageId });
  });

  it('answers as JSON when there is no socket, and shows both messages from history', async () => {
    const runtime = await visitor({ realtime: false });
    const ai = await runtime.ai();
    const answer = await ai.ask('How long does delivery take?');
    expect(answer.text).not.toBe('');
    expect(ai.answer.value).toBeNull();
    expect(runtime.conversation.messages.value.map((m) => m.senderType)).toEqual(['visitor', 'ai']);
    expect(runtime.conversation.messages.value[1]!.body).toBe(answer.text);
  });

  it('stops a streaming answer: what was shown is kept, marked cancelled, and it does not hand off', async () => {
    const runtime = await visitor();
    const ai = await runtime.ai();
    const asked = ai.ask('How do I return an item and get a refund?');
    await vi.waitFor(() => expect(ai.answer.value?.text.length).toBeGreaterThan(0));
    await ai.stop();
    const answer = await asked;
    expect(answer).toMatchObject({ cancelled: true, handedOff: false });
    expect(ai.answer.value).toMatchObject({ done: true, cancelled: true });
    const last = runtime.conversation.messages.value.at(-1)!;
    expect(last.senderType).toBe('ai');
    expect((last.metadata?.ai as AiMessageMetadata).cancelled).toBe(true);
    expect(ai.handedOff.value).toBe(false);
  });

  it('offers a person for a question the knowledge base cannot answer, then refuses further questions', async () => {
    const runtime = await visitor();
    const ai = await runtime.ai();
    const answer = await ai.ask('What is the airspeed velocity of an unladen swallow?');
    expect(answer).toMatchObject({ handoffRecommended: true, handedOff: true, handoffReason: 'low_confidence' });
    await vi.waitFor(() => expect(ai.handedOff.value).toBe(true));
    // The handoff note is in the transcript.
    await vi.waitFor(() => expect(runtime.conversation.messages.value.some((m) => m.senderType === 'system')).toBe(true));
    const refused = await ai.ask('Hello?').catch((e: unknown) => e);
    expect(isRuntimeError(refused) && refused.code).toBe('CONVERSATION_HANDED_OFF');
  });

  it('hands the conversation to a person on "Talk to a person"; the agent sees the transcript and the visitor the reply', async () => {
    const runtime = await visitor();
    const ai = await runtime.ai();
    await ai.ask('How long does delivery take?');
    expect(ai.handedOff.value).toBe(false);
    await ai.handoff();
    expect(ai.handedOff.value).toBe(true);
    const cid = runtime.conversation.id.value!;
    const seen = (await real.agent.messages(cid)).map((m) => m.senderType);
    expect(seen.slice(0, 2)).toEqual(['visitor', 'ai']);
    await real.agent.send(cid, 'Hi, a person here.');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)?.body).toBe('Hi, a person here.'));
    // From now on the visitor writes to the person.
    await runtime.conversation.send('Thanks!');
    await vi.waitFor(async () => expect((await real.agent.messages(cid)).at(-1)?.body).toBe('Thanks!'));
  });

  it('ends the answer from the stored message when its ai.done frame was missed', async () => {
    // A socket that loses every `ai.done` (as after a reconnect mid-stream: frames are not replayed).
    class LossySocket implements WebSocketLike {
      private readonly ws: WebSocket;
      constructor(url: string) {
        this.ws = new WebSocket(url);
      }
      get readyState() {
        return this.ws.readyState;
      }
      send(data: string) {
        this.ws.send(data);
      }
      close(code?: number, reason?: string) {
        this.ws.close(code, reason);
      }
      addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: never) => void) {
        this.ws.addEventListener(type, (event: object) => {
          if (type !== 'message' || !String((event as { data: unknown }).data).includes('"ai.done"')) listener(event as never);
        });
      }
    }
    const { runtime } = await startVisitor(real.server, undefined, { WebSocket: LossySocket });
    real.runtimes.push(runtime);
    const ai = await runtime.ai();
    const answer = await ai.ask('How long does delivery take?');
    expect(answer.text).toMatch(/working days/);
    expect(answer.citations[0]?.articleId).toBe('shipping-times');
    expect(ai.answer.value).toMatchObject({ done: true, cancelled: false });
    expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ senderType: 'ai', body: answer.text });
  });

  it('answers two questions asked at once, each with its own answer', async () => {
    const runtime = await visitor();
    const ai = await runtime.ai();
    const [delivery, password] = await Promise.all([ai.ask('How long does delivery take?'), ai.ask('How do I reset my password?')]);
    expect(delivery.citations[0]?.articleId).toBe('shipping-times');
    expect(password.citations[0]?.articleId).toBe('password-reset');
    const answers = runtime.conversation.messages.value.filter((m) => m.senderType === 'ai').map((m) => m.body);
    expect(answers.sort()).toEqual([delivery.text, password.text].sort());
  });

  it('searches the help articles and reads one', async () => {
    const runtime = await visitor();
    const ai = await runtime.ai();
    const results = await ai.search('how long does delivery take');
    expect(results[0]).toMatchObject({ articleId: 'shipping-times', url: '/help/shipping-times' });
    expect(results[0]!.snippet.length).toBeGreaterThan(0);
    const article = await ai.article('shipping-times');
    expect(article.body).toContain('#');
    const missing = await ai.article('no-such-article').catch((e: unknown) => e);
    expect(isRuntimeError(missing) && missing.code).toBe('KNOWLEDGE_ARTICLE_NOT_FOUND');
  });

  it('starts the runtime itself when asked for the AI before start()', async () => {
    const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, WebSocket, storage: createMemoryStorage() });
    real.runtimes.push(runtime);
    const ai = await runtime.ai();
    // ai() started the runtime itself.
    expect(runtime.bootstrap.value).not.toBeNull();
    expect(ai.routing.value?.mode).toBe('ai_first');
  });
});
