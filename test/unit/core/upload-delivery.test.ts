/**
 * The upload stage of a file send under the delivery rules (issue 4 item 8): passing failures
 * are retried by themselves, nothing spins past 2 minutes, refusals are final, and a pending
 * file survives a reload. Real HTTP to a scripted server; the outbox side (`queue`, `settled`)
 * is recorded, since the outbox has its own tests.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUploads, type UploadsOptions } from '../../../src/attachments.ts';
import type { AttachmentInfo } from '../../../src/contract/extensions.ts';
import { createHttp } from '../../../src/http.ts';
import { createMemoryStorage, type RuntimeStorage, type UploadTransport } from '../../../src/index.ts';
import { xhrTransport } from '../../../src/uploads/xhr.ts';
import { fail, ok, startFaultServer, tick, until, type FaultServer, type Reply } from './fault-server.ts';
import { pngOfSize } from '../../contract/fixtures/files.ts';

let server: FaultServer;
beforeAll(async () => (server = await startFaultServer()));
afterAll(() => server.close());
afterEach(() => vi.useRealTimers());

/** A real PNG header (the server reads the bytes), `size` bytes long. */
const png = pngOfSize;
const info = (n: number): AttachmentInfo => ({
  attachmentId: `att-${n}`,
  name: 'photo.png',
  size: 100,
  contentType: 'image/png',
  kind: 'image',
  url: `${server.baseUrl}/attachments/att-${n}`,
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
});
const uploaded = (n: number): Reply => ({ ...ok({ attachment: info(n) }), status: 201 });
const isUpload = (url: string) => url.endsWith('/attachments/upload');

/** Answers uploads with `replies` in turn (the last one repeats); counts them. */
function script(...replies: Reply[]) {
  const seen = { uploads: 0 };
  server.requests.length = 0;
  server.handle((request) => {
    if (!isUpload(request.url)) return fail(404, 'ROUTE_NOT_FOUND');
    return replies[Math.min(seen.uploads++, replies.length - 1)]!;
  });
  return seen;
}

/** An upload stage over the fault server whose hand-overs are recorded in `queued`. */
function stage(options: Partial<UploadsOptions> = {}) {
  const queued: Array<[string, string]> = [];
  // Failed attempts, as the stage logs them: a test waits for one before moving the clock on.
  let failures = 0;
  // No retries inside the HTTP client: the attempts counted here are the upload stage's own.
  const http = createHttp({ baseUrl: server.baseUrl, timeout: false, retries: 0 });
  const uploads = createUploads({
    http,
    storage: createMemoryStorage(),
    log: (...args) => void (args[0] === 'uploads: attempt' && failures++),
    ensure: async () => 'c1',
    queue: async (attachment, key) => void queued.push([key, attachment.attachmentId]),
    settled: async () => null,
    ...options,
  });
  const states = () => uploads.entries.value.map((e) => [e.state, e.error?.code, e.error?.retryable]);
  /** Resolves once `n` attempts have failed (the next one then waits for its timer). */
  const failed = (n: number) => until(() => failures >= n);
  return { uploads, queued, states, failed };
}

const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
/** Waits on real I/O turns until what `storage` holds under `key` equals `expected`. */
async function stored(storage: RuntimeStorage, key: string, expected: unknown) {
  for (let i = 0; i < 500; i++) {
    if (JSON.stringify(await storage.get(key)) === JSON.stringify(expected)) return;
    await tick();
  }
  expect(await storage.get(key)).toEqual(expected);
}
const dropped: Reply = { drop: true };

describe('an upload that meets a passing failure', () => {
  it.each([
    ['the network', dropped],
    ['a server fault (500)', fail(500, 'INTERNAL_ERROR')],
    ['an overloaded server (503)', fail(503, 'SERVICE_UNAVAILABLE')],
  ])('is tried again by itself after %s, staying `sending`, and handed to the queue once', async (_, fault) => {
    fakeTimers();
    const seen = script(fault, fault, uploaded(1));
    const { uploads, queued, states, failed } = stage();
    const send = uploads.start(png(100), 'photo.png');
    await failed(1);
    // Backoff: the first wait is under 1 s, the second under 2 s.
    await vi.advanceTimersByTimeAsync(1_000);
    await failed(2);
    expect(states()).toEqual([['sending', undefined, undefined]]);
    await vi.advanceTimersByTimeAsync(2_000);
    await until(() => queued.length === 1);
    expect(queued).toEqual([[send.key, 'att-1']]);
    expect(uploads.entries.value).toEqual([]);
    expect(seen.uploads).toBe(3);
    uploads.destroy();
  });

  it('waits out the server’s Retry-After before the next attempt, even when flushed', async () => {
    fakeTimers();
    const seen = script({ ...fail(429, 'RATE_LIMITED', 'Too many uploads'), headers: { 'retry-after': '20' } }, uploaded(2));
    const { uploads, queued, states, failed } = stage();
    uploads.start(png(100), 'photo.png');
    await failed(1);
    await uploads.flush();
    await vi.advanceTimersByTimeAsync(19_900);
    expect(seen.uploads).toBe(1);
    expect(states()).toEqual([['sending', undefined, undefined]]);
    await vi.advanceTimersByTimeAsync(200);
    await until(() => queued.length === 1);
    uploads.destroy();
  });

  it('waits out a Retry-After answered to the browser’s XMLHttpRequest transport too', async () => {
    // Node has no XMLHttpRequest: a stand-in answering 429 with Retry-After, as a browser's would.
    vi.stubGlobal(
      'XMLHttpRequest',
      class {
        upload = {};
        status = 0;
        responseText = '';
        onload?: () => void;
        open() {}
        setRequestHeader() {}
        abort() {}
        getResponseHeader = (name: string) => (name.toLowerCase() === 'retry-after' ? '20' : null);
        send() {
          this.status = 429;
          this.responseText = JSON.stringify({ success: false, code: 'RATE_LIMITED', message: 'Too many uploads' });
          setTimeout(() => this.onload?.());
        }
      },
    );
    try {
      const heard: number[] = [];
      const http = createHttp({ baseUrl: server.baseUrl, timeout: false, retries: 0, onRateLimited: (e) => void heard.push(e.retryAfterMs!) });
      const upload = http.upload('x', new FormData(), { signal: new AbortController().signal, onProgress: () => undefined, transport: xhrTransport });
      await expect(upload).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 20_000 });
      expect(heard).toEqual([20_000]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('is not cut off by the client’s per-request timeout on the fetch path when the upload takes longer', async () => {
    // A big file on a slow link: the answer comes after the 50 ms the client gives a request.
    server.requests.length = 0;
    server.handle(async () => (await new Promise((resolve) => setTimeout(resolve, 200)), uploaded(6)));
    const { uploads, queued } = stage({ http: createHttp({ baseUrl: server.baseUrl, timeout: 50, retries: 0 }) });
    const send = uploads.start(png(100), 'slow.png');
    await until(() => queued.length === 1);
    expect(queued).toEqual([[send.key, 'att-6']]);
    expect(server.requests).toHaveLength(1);
    uploads.destroy();
  });

  it('goes again, with a new file sent, after it failed for a passing reason', async () => {
    fakeTimers();
    let down = true;
    const seen: string[] = [];
    const flaky: UploadTransport = async (request) => {
      const name = ((request.body.get('file') as File | null)?.name ?? '?');
      seen.push(name);
      if (down) throw new TypeError('network down');
      return { status: 201, body: JSON.stringify({ success: true, data: { attachment: info(seen.length) } }) };
    };
    const { uploads, queued, states } = stage({ transport: flaky });
    const first = uploads.start(png(100), 'first.png');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(states()).toEqual([['failed', 'NETWORK_ERROR', true]]);
    down = false;
    const second = uploads.start(png(100), 'second.png');
    await until(() => queued.length === 2);
    expect(queued.map(([key]) => key).sort()).toEqual([first.key, second.key].sort());
    uploads.destroy();
  });

  it('turns `failed` with a retryable NETWORK_ERROR 2 minutes after its first attempt, and stops trying', async () => {
    fakeTimers();
    // The network is down: every attempt fails at once (no real I/O, so the clock can run ahead).
    let attempts = 0;
    const down: UploadTransport = async () => (attempts++, Promise.reject(new TypeError('network down')));
    const { uploads, states } = stage({ transport: down });
    const send = uploads.start(png(100), 'photo.png');
    const verdict = send.done.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(119_000);
    expect(attempts).toBeGreaterThan(5);
    expect(states()).toEqual([['sending', undefined, undefined]]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(states()).toEqual([['failed', 'NETWORK_ERROR', true]]);
    expect(await verdict).toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringMatching(/within 120 s.*network down/) });
    const tries = attempts;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(attempts).toBe(tries);
    uploads.destroy();
  });

  it('is sent again by itself when the connection is back (flush), after it failed', async () => {
    fakeTimers();
    const seen = script(dropped);
    const { uploads, queued, states, failed } = stage();
    const send = uploads.start(png(100), 'photo.png');
    await failed(1);
    await vi.advanceTimersByTimeAsync(120_000);
    await until(() => states()[0]?.[0] === 'failed');
    expect(seen.uploads).toBeGreaterThan(1);
    script(uploaded(3));
    await uploads.flush();
    await until(() => queued.length === 1);
    expect(queued).toEqual([[send.key, 'att-3']]);
    uploads.destroy();
  });

  it('gives an upload still moving at its deadline more time, and fails one that stalled', async () => {
    fakeTimers();
    script(uploaded(4));
    let progress!: (fraction: number) => void;
    let finish!: () => void;
    // A slow link: progress comes when the test says so, the answer when it says so.
    const slow: UploadTransport = (request) =>
      new Promise((resolve, reject) => {
        progress = request.onProgress;
        request.signal.addEventListener('abort', () => reject(new TypeError('aborted')));
        finish = () => resolve({ status: 201, body: JSON.stringify({ success: true, data: { attachment: info(4) } }) });
      });
    const { uploads, queued, states } = stage({ transport: slow });
    uploads.start(png(100), 'big.png');
    await until(() => !!progress);
    await vi.advanceTimersByTimeAsync(100_000);
    progress(0.5);
    await vi.advanceTimersByTimeAsync(25_000);
    // Moving at the deadline: still going.
    expect(states()).toEqual([['sending', undefined, undefined]]);
    progress(0.9);
    finish();
    await until(() => queued.length === 1);

    // The same again, but it stops moving after the deadline's first look: given up 30 s later.
    const second = stage({ transport: slow });
    progress = undefined as never;
    second.uploads.start(png(100), 'stalled.png');
    await until(() => !!progress);
    await vi.advanceTimersByTimeAsync(110_000);
    progress(0.2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(second.states()).toEqual([['sending', undefined, undefined]]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(second.states()).toEqual([['failed', 'NETWORK_ERROR', true]]);
    uploads.destroy();
    second.uploads.destroy();
  });
});

describe('a refused upload', () => {
  it.each([
    ['too large (413)', fail(413, 'ATTACHMENT_TOO_LARGE', 'Expected at most 10 MB')],
    ['of a type not taken (415)', fail(415, 'ATTACHMENT_TYPE_NOT_ALLOWED')],
    ['invalid (400)', fail(400, 'VALIDATION_FAILED')],
    ['refused by origin (403)', fail(403, 'SDK_ORIGIN_NOT_ALLOWED')],
  ])('is `failed` for good when %s: never tried again by itself, nor on flush', async (_, refusal) => {
    fakeTimers();
    const seen = script(refusal);
    const storage = createMemoryStorage();
    const { uploads, states } = stage({ storage });
    const send = uploads.start(png(100), 'photo.png');
    await expect(send.done).rejects.toMatchObject({ retryable: false });
    expect(states()).toEqual([['failed', (refusal.body as { code: string }).code, false]]);
    await uploads.flush();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(seen.uploads).toBe(1);
    // Not kept for a later page either.
    await stored(storage, 'uploads', []);
    uploads.destroy();
  });
});

describe('a reload', () => {
  it('uploads a file kept by the page that closed, with the same key, then forgets it', async () => {
    const storage = createMemoryStorage();
    script(dropped);
    const first = stage({ storage });
    const send = first.uploads.start(png(300), 'kept.png');
    await until(() => server.requests.length >= 1);
    first.uploads.destroy();
    expect(await storage.get('uploads')).toMatchObject([{ key: send.key, name: 'kept.png', size: 300 }]);

    const seen = script(uploaded(5));
    const second = stage({ storage });
    // Shown at once, uploaded from the first flush on.
    await until(() => second.uploads.entries.value.length === 1);
    expect(second.uploads.entries.value[0]).toMatchObject({ key: send.key, state: 'sending', messageType: 'image', upload: { name: 'kept.png' } });
    expect(seen.uploads).toBe(0);
    await second.uploads.flush();
    await until(() => second.queued.length === 1);
    expect(second.queued).toEqual([[send.key, 'att-5']]);
    await stored(storage, 'uploads', []);
    expect(await storage.get(`upload:${send.key}`)).toBeUndefined();
    second.uploads.destroy();
  });

  it('keeps pending files only up to the cap; a bigger one uploads from this page alone', async () => {
    const storage = createMemoryStorage();
    const writes: string[] = [];
    const watched: RuntimeStorage = { ...storage, set: (key, value) => (writes.push(key), storage.set(key, value)) };
    script(dropped);
    const { uploads } = stage({ storage: watched, keepBytes: 1_000 });
    const small = uploads.start(png(600), 'small.png');
    uploads.start(png(600), 'second.png');
    await until(() => server.requests.length >= 2);
    uploads.destroy();
    expect(writes.filter((k) => k.startsWith('upload:'))).toEqual([`upload:${small.key}`]);
    expect(await storage.get('uploads')).toMatchObject([{ key: small.key }]);
  });

  it('drops a kept file when cancelled', async () => {
    const storage = createMemoryStorage();
    script(dropped);
    const { uploads } = stage({ storage });
    const send = uploads.start(png(100), 'oops.png');
    await until(() => server.requests.length >= 1);
    send.cancel();
    await expect(send.done).resolves.toBeNull();
    await stored(storage, 'uploads', []);
    expect(await storage.get(`upload:${send.key}`)).toBeUndefined();
    uploads.destroy();
  });
});
