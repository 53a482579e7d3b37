import { effect } from '@preact/signals';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage, createRuntime } from '../../../src/index.ts';
import type { Runtime } from '../../../src/types.ts';
import { bannerText } from '../../../widget/app/components/connection-banner.tsx';
import { en } from '../../../widget/app/i18n/en.ts';
import { refreshOnError } from '../../../widget/app/components/attachment.tsx';
import type { WidgetModel } from '../../../widget/app/model.ts';
import { watchRateLimit } from '../../../widget/app/rate-limit.ts';
import { useTestServer } from '../../helpers/server.ts';

// "Sending too fast" against the real server; only the first message POST is faulted with a
// 429 (Retry-After: 1 s), as a rate-limiting proxy in front of it would answer.
describe('sending too fast', () => {
  const server = useTestServer({ log: false });
  const cleanups: Array<() => void> = [];
  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });

  it('counts down the wait the server asked for and clears once the message went through', async () => {
    let limited = 0;
    const fetchLike: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      if (method === 'POST' && url.includes('chat/visitor/conversations') && limited++ === 0) {
        const body = JSON.stringify({ success: false, code: 'RATE_LIMITED', message: 'Too many messages.' });
        return Promise.resolve(new Response(body, { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' } }));
      }
      return fetch(input, init);
    };
    const runtime: Runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, fetch: fetchLike, realtime: false, storage: createMemoryStorage() });
    const watch = watchRateLimit(runtime);
    const shown: Array<number | null> = [];
    cleanups.push(runtime.destroy, watch.dispose, effect(() => void shown.push(watch.seconds.value)));

    await runtime.start();
    await runtime.conversation.send('Hello, is anyone there?');
    await vi.waitFor(() => expect(shown).toContain(1), { timeout: 5_000 });
    await vi.waitFor(() => expect(runtime.conversation.messages.value[0]?.state).not.toBe('sending'), { timeout: 10_000 });
    await vi.waitFor(() => expect(watch.seconds.value).toBeNull());
    expect(limited).toBeGreaterThan(1);
    expect(runtime.conversation.messages.value[0]?.state).toBe('sent');
  });

  it('says nothing when a request other than a send is limited and no message waits', async () => {
    let limited = 0;
    const fetchLike: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      if (method === 'GET' && url.includes('chat/visitor/conversations?') && limited++ === 0) {
        const body = JSON.stringify({ success: false, code: 'RATE_LIMITED', message: 'Too many requests.' });
        return Promise.resolve(new Response(body, { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' } }));
      }
      return fetch(input, init);
    };
    const runtime: Runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, fetch: fetchLike, realtime: false, storage: createMemoryStorage() });
    const watch = watchRateLimit(runtime);
    const limits: number[] = [];
    const shown: Array<number | null> = [];
    cleanups.push(runtime.destroy, watch.dispose, effect(() => void shown.push(watch.seconds.value)));
    runtime.on('error', (e) => void (e.code === 'RATE_LIMITED' && limits.push(e.retryAfterMs ?? 0)));

    await runtime.start();
    // The past-conversations list is read again after the server's 1 s and arrives.
    expect(Array.isArray(await runtime.conversations.list())).toBe(true);
    expect(limits).toEqual([1000]);
    expect(shown.every((s) => s === null)).toBe(true);
  });

  it('says so in the banner, behind a connection problem', () => {
    const text = ({ status, slowDown }: { status: Parameters<typeof bannerText>[1]; slowDown: number | null }) => bannerText(en, status, slowDown) ?? null;
    expect(text({ status: 'connected', slowDown: 3 })).toBe('Sending too fast — retrying in 3 s');
    expect(text({ status: 'connected', slowDown: 0 })).toBe('Sending too fast — retrying…');
    expect(text({ status: 'connected', slowDown: null })).toBeNull();
    expect(text({ status: 'offline', slowDown: 3 })).toMatch(/offline/);
  });
});

describe('a file that fails to load', () => {
  it('asks for fresh links once per element, so a file that is really gone does not loop', () => {
    const refreshAttachments = vi.fn(() => Promise.resolve());
    const model = { runtime: { conversation: { refreshAttachments } } } as unknown as WidgetModel;
    const img = new EventTarget();
    const video = new EventTarget();
    for (const el of [img, img, img, video]) refreshOnError(model, { currentTarget: el } as unknown as Event);
    expect(refreshAttachments).toHaveBeenCalledTimes(2);
  });
});
