/**
 * The upload machinery loads on first need (attachments.ts, "Loading"): not for a chat that
 * uploads nothing, at once for the first file (shown before the code is there), and for files
 * kept by an earlier page. A load that fails (offline) fails the file for retry, keeping it.
 * Real HTTP to a scripted server; only the chunk's loading is faked, to hold or fail it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUploads, type UploadsOptions } from '../../../src/attachments.ts';
import type { AttachmentInfo } from '../../../src/contract/extensions.ts';
import { createHttp } from '../../../src/http.ts';
import { createMemoryStorage, type RuntimeStorage } from '../../../src/index.ts';
import { fail, ok, startFaultServer, tick, until, type FaultServer } from './fault-server.ts';

type Load = NonNullable<UploadsOptions['loadMachinery']>;

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
  const info = (): AttachmentInfo => ({ attachmentId: 'att-1', name: 'photo.png', size: 100, contentType: 'image/png', kind: 'image', url: `${server.baseUrl}/attachments/att-1`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  server.handle((request) => (request.url.endsWith('/attachments/upload') ? { ...ok({ attachment: info() }), status: 201 } : fail(404, 'ROUTE_NOT_FOUND')));
});
afterAll(() => server.close());

const real: Load = () => import('../../../src/uploads/machinery.ts');
const png = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: 'image/png' });
const uploadsSeen = () => server.requests.filter((r) => r.url.endsWith('/attachments/upload')).length;

/** Waits on real I/O turns until what `storage` holds under `key` matches `expected` (storage writes are asynchronous). */
async function stored(storage: RuntimeStorage, key: string, expected: unknown) {
  for (let i = 0; i < 500 && JSON.stringify(await storage.get(key)) !== JSON.stringify(expected); i++) await tick();
  expect(await storage.get(key)).toEqual(expected);
}

/** A loader the test drives: each call waits until the test lets it load (`pass`) or fail (`cut`). */
function gate() {
  const calls: Array<{ pass(): void; cut(): void }> = [];
  const load: Load = () =>
    new Promise((resolve, reject) => calls.push({ pass: () => resolve(real()), cut: () => reject(new TypeError('Failed to fetch dynamically imported module')) }));
  return { load, calls };
}

function stage(options: Partial<UploadsOptions> = {}) {
  const queued: string[] = [];
  const uploads = createUploads({
    http: createHttp({ baseUrl: server.baseUrl, timeout: false, retries: 0 }),
    storage: createMemoryStorage(),
    log: () => undefined,
    ensure: async () => 'c1',
    queue: async (_, key) => void queued.push(key),
    settled: async () => null,
    ...options,
  });
  const states = () => uploads.entries.value.map((e) => [e.state, e.upload?.progress, e.error?.code, e.error?.retryable]);
  return { uploads, queued, states };
}

describe('loading the upload machinery', () => {
  it('is not loaded by a chat that sends no file', async () => {
    let loads = 0;
    const { uploads } = stage({ loadMachinery: () => (loads++, real()) });
    await uploads.flush();
    await uploads.flush();
    expect(loads).toBe(0);
    uploads.destroy();
  });

  it('shows a file as sending at once while the code loads, then uploads it', async () => {
    const { load, calls } = gate();
    server.requests.length = 0;
    const { uploads, queued, states } = stage({ loadMachinery: load });
    const send = uploads.start(png(), 'photo.png');
    expect(states()).toEqual([['sending', 0, undefined, undefined]]);
    expect(calls).toHaveLength(1);
    calls[0]!.pass();
    await until(() => queued.length === 1);
    expect(queued).toEqual([send.key]);
    expect(uploads.entries.value).toEqual([]);
    // The second file finds the code there.
    uploads.start(png(), 'second.png');
    await until(() => queued.length === 2);
    expect(calls).toHaveLength(1);
    uploads.destroy();
  });

  it('fails the file (retryable NETWORK_ERROR) when the code cannot load, and loads again on retry', async () => {
    const { load, calls } = gate();
    server.requests.length = 0;
    const { uploads, queued, states } = stage({ loadMachinery: load });
    const send = uploads.start(png(), 'photo.png');
    const verdict = send.done.catch((e: unknown) => e);
    calls[0]!.cut();
    expect(await verdict).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    expect(states()).toEqual([['failed', 0, 'NETWORK_ERROR', true]]);

    expect(uploads.retry(send.key)).toBe(true);
    expect(states()).toEqual([['sending', 0, undefined, undefined]]);
    expect(calls).toHaveLength(2);
    calls[1]!.pass();
    await until(() => queued.length === 1);
    expect(queued).toEqual([send.key]);
    expect(uploadsSeen()).toBe(1);
    uploads.destroy();
  });

  it('loads again when the connection is back (flush) after the code could not load', async () => {
    const { load, calls } = gate();
    const { uploads, queued, states } = stage({ loadMachinery: load });
    const send = uploads.start(png(), 'photo.png');
    calls[0]!.cut();
    await until(() => states()[0]?.[0] === 'failed');
    const flushed = uploads.flush();
    await until(() => calls.length === 2);
    expect(states()).toEqual([['sending', 0, undefined, undefined]]);
    calls[1]!.pass();
    await flushed;
    await until(() => queued.length === 1);
    expect(queued).toEqual([send.key]);
    uploads.destroy();
  });

  it('uploads nothing for a file cancelled while the code loads', async () => {
    const { load, calls } = gate();
    server.requests.length = 0;
    const { uploads, queued } = stage({ loadMachinery: load });
    const send = uploads.start(png(), 'oops.png');
    send.cancel();
    await expect(send.done).resolves.toBeNull();
    expect(uploads.entries.value).toEqual([]);
    calls[0]!.pass();
    await uploads.flush();
    // Uploads start in the background: a file sent after it is queued only once both had their chance.
    const second = uploads.start(png(), 'wanted.png');
    await until(() => queued.length === 1);
    expect(queued).toEqual([second.key]);
    expect(uploadsSeen()).toBe(1);
    uploads.destroy();
  });

  it('settles `done` with null when destroyed, while the code loads and once it is there', async () => {
    const { load, calls } = gate();
    let attempts = 0;
    const held: UploadsOptions['transport'] = (request) => (attempts++, new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(new TypeError('aborted')))));
    const early = stage({ loadMachinery: load, transport: held });
    const waiting = early.uploads.start(png(), 'waiting.png');
    early.uploads.destroy();
    await expect(waiting.done).resolves.toBeNull();
    calls[0]!.pass();

    const later = stage({ transport: held });
    const uploading = later.uploads.start(png(), 'uploading.png');
    await until(() => attempts === 1);
    later.uploads.destroy();
    await expect(uploading.done).resolves.toBeNull();
  });

  it('is loaded at once when an earlier page kept a file, shows it, and uploads it from the first flush on', async () => {
    // What a page that closed with a file still uploading left in storage.
    const storage = createMemoryStorage();
    const sentAt = new Date().toISOString();
    await storage.set('upload:k1', png());
    await storage.set('uploads', [{ key: 'k1', name: 'kept.png', sentAt, size: 8 }]);
    server.requests.length = 0;

    let loads = 0;
    const { uploads, queued } = stage({ loadMachinery: () => (loads++, real()), storage });
    await until(() => uploads.entries.value.length === 1);
    expect(loads).toBe(1);
    expect(uploads.entries.value[0]).toMatchObject({ key: 'k1', state: 'sending', sentAt, upload: { name: 'kept.png', progress: 0 } });
    expect(uploadsSeen()).toBe(0);
    await uploads.flush();
    await until(() => queued.length === 1);
    expect(queued).toEqual(['k1']);
    await stored(storage, 'uploads', []);
    expect(loads).toBe(1);
    uploads.destroy();
  });

  it('resumes kept files on a later flush when the code could not load at page start', async () => {
    const storage = createMemoryStorage();
    await storage.set('upload:k2', png());
    await storage.set('uploads', [{ key: 'k2', name: 'kept.png', sentAt: new Date().toISOString(), size: 8 }]);
    const { load, calls } = gate();
    const { uploads, queued } = stage({ loadMachinery: load, storage });
    await until(() => calls.length === 1);
    calls[0]!.cut();
    const flushed = uploads.flush();
    await until(() => calls.length === 2);
    expect(uploads.entries.value).toEqual([]);
    calls[1]!.pass();
    await flushed;
    await until(() => queued.length === 1);
    expect(queued).toEqual(['k2']);
    uploads.destroy();
  });
});
