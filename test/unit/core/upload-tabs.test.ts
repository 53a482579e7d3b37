/**
 * Kept files shared by the tabs of a site and the visitors of a browser (uploads/machinery.ts,
 * uploads/kept.ts): one tab at a time uploads a kept file, a file cancelled in one tab goes from
 * none, a closed tab's file is taken over, the shared index keeps every tab's file, a file is
 * never resumed for another visitor or when its message went already. The browser's parts are
 * faked (Web Locks with tabs that can die, a shared storage); the transport answers in-process.
 */
import { describe, expect, it, vi } from 'vitest';
import { createUploads, type UploadsOptions } from '../../../src/attachments.ts';
import { createHttp } from '../../../src/http.ts';
import { createMemoryStorage, type RuntimeStorage, type UploadTransport } from '../../../src/index.ts';
import { lockHub } from './tabs-fakes.ts';
import { tick, until } from './fault-server.ts';

const png = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: 'image/png' });
const answer = (id: string) => ({ status: 201, body: JSON.stringify({ success: true, data: { attachment: { attachmentId: id, kind: 'image' } } }) });
// Fake locks grant in a timer of 0 and memory storage settles in microtasks: a few timer turns
// are enough for whatever was going to happen (a lock granted, a step written) to have happened.
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0)).then(tick);
};

/** The uploads seen, by tab; a tab's uploads are held until released when `hold` is set. */
function site(storage: RuntimeStorage = createMemoryStorage()) {
  const seen: string[] = [];
  const held: Array<() => void> = [];
  const tab = (name: string, options: Partial<UploadsOptions> & { hold?: boolean } = {}) => {
    const queued: string[] = [];
    const transport: UploadTransport = (request) =>
      new Promise((resolve, reject) => {
        seen.push(name);
        request.signal.addEventListener('abort', () => reject(new TypeError('aborted')));
        if (options.hold) held.push(() => resolve(answer(`att-${name}`)));
        else resolve(answer(`att-${name}`));
      });
    const uploads = createUploads({
      http: createHttp({ baseUrl: 'http://127.0.0.1:9/api', timeout: false, retries: 0 }),
      transport,
      storage,
      log: () => undefined,
      ensure: async () => 'c1',
      queue: async (_, key) => void queued.push(key),
      settled: () => new Promise(() => undefined),
      locks: null,
      ...options,
    });
    return { uploads, queued };
  };
  return { storage, seen, held, tab };
}

const keep = async (storage: RuntimeStorage, key: string, extra: Record<string, unknown> = {}) => {
  await storage.set(`upload:${key}`, png());
  const list = (await storage.get<unknown[]>('uploads')) ?? [];
  await storage.set('uploads', [...list, { key, name: `${key}.png`, sentAt: new Date().toISOString(), size: 8, ...extra }]);
};

describe('two tabs with Web Locks', () => {
  it('leave a file one tab uploads to it: the other shows nothing, and sends nothing when it is cancelled', async () => {
    const hub = lockHub();
    const s = site();
    const a = s.tab('A', { locks: hub.tab().locks, hold: true });
    const send = a.uploads.start(png(), 'a.png');
    await until(() => s.seen.length === 1);
    const b = s.tab('B', { locks: hub.tab().locks });
    await b.uploads.flush();
    await settle();
    expect(b.uploads.entries.value).toEqual([]);
    send.cancel();
    await expect(send.done).resolves.toBeNull();
    await vi.waitFor(async () => expect(await s.storage.get('uploads')).toEqual([]));
    await settle();
    await b.uploads.flush();
    await settle();
    expect(s.seen).toEqual(['A']);
    expect(b.queued).toEqual([]);
    expect(await s.storage.get('uploads')).toEqual([]);
    a.uploads.destroy();
    b.uploads.destroy();
  });

  it('take over the file of a tab that closed mid-upload, once, with no page load', async () => {
    const hub = lockHub();
    const s = site();
    const closing = hub.tab();
    const a = s.tab('A', { locks: closing.locks, hold: true });
    const send = a.uploads.start(png(), 'a.png');
    await until(() => s.seen.length === 1);
    const b = s.tab('B', { locks: hub.tab().locks });
    const c = s.tab('C', { locks: hub.tab().locks });
    await Promise.all([b.uploads.flush(), c.uploads.flush()]);
    closing.kill();
    await until(() => b.queued.length + c.queued.length === 1);
    await settle();
    expect([...b.queued, ...c.queued]).toEqual([send.key]);
    expect(s.seen.filter((t) => t !== 'A')).toHaveLength(1);
    for (const t of [a, b, c]) t.uploads.destroy();
  });

  it('keep both tabs’ files in the shared index when they keep one at the same moment', async () => {
    const hub = lockHub();
    const base = createMemoryStorage();
    // IndexedDB-like: every call takes a moment, so the two tabs' reads and writes interleave.
    const later = <T>(run: () => Promise<T>) => new Promise<T>((resolve) => setTimeout(() => resolve(run()), 3));
    const slow: RuntimeStorage = { get: (k) => later(() => base.get(k)), set: (k, v) => later(() => base.set(k, v)), del: (k) => later(() => base.del(k)) };
    const s = site(slow);
    const a = s.tab('A', { locks: hub.tab().locks, hold: true });
    const b = s.tab('B', { locks: hub.tab().locks, hold: true });
    const one = a.uploads.start(png(), 'a.png');
    const two = b.uploads.start(png(), 'b.png');
    await until(() => s.seen.length === 2);
    const listed = ((await base.get<Array<{ key: string }>>('uploads')) ?? []).map((k) => k.key);
    expect(listed.sort()).toEqual([one.key, two.key].sort());
    a.uploads.destroy();
    b.uploads.destroy();
  });
});

describe('two tabs without Web Locks', () => {
  it('send nothing from the tab that resumed a file the other tab then cancelled', async () => {
    const s = site();
    const a = s.tab('A', { hold: true });
    const send = a.uploads.start(png(), 'a.png');
    await until(() => s.seen.length === 1);
    // A page of the site loads meanwhile: without locks it cannot tell A is alive, and shows A's file.
    const b = s.tab('B');
    await until(() => b.uploads.entries.value.length === 1);
    send.cancel();
    await expect(send.done).resolves.toBeNull();
    await b.uploads.flush();
    await until(() => b.uploads.entries.value.length === 0);
    await settle();
    expect(s.seen).toEqual(['A']);
    expect(b.queued).toEqual([]);
    a.uploads.destroy();
    b.uploads.destroy();
  });
});

describe('a kept file', () => {
  it('is resumed only for the visitor who sent it', async () => {
    const s = site();
    await keep(s.storage, 'theirs', { visitor: 'v1' });
    let visitor: string | undefined;
    const other = s.tab('B', { visitorId: () => visitor });
    // Not before the visitor is known.
    await settle();
    expect(other.uploads.entries.value).toEqual([]);
    visitor = 'v2';
    await other.uploads.flush();
    await settle();
    expect(other.uploads.entries.value).toEqual([]);
    expect(s.seen).toEqual([]);
    other.uploads.destroy();

    const same = s.tab('C', { visitorId: () => 'v1' });
    await same.uploads.flush();
    await until(() => same.queued.length === 1);
    expect(same.queued).toEqual(['theirs']);
    same.uploads.destroy();
  });

  it('is dropped once older than a day, and when its Blob is missing', async () => {
    const s = site();
    await keep(s.storage, 'old', { sentAt: new Date(Date.now() - 25 * 3_600_000).toISOString() });
    await s.storage.set('uploads', [...((await s.storage.get<unknown[]>('uploads')) ?? []), { key: 'lost', name: 'lost.png', sentAt: new Date().toISOString(), size: 8 }]);
    const t = s.tab('A', { locks: lockHub().tab().locks });
    await t.uploads.flush();
    await settle();
    expect(s.seen).toEqual([]);
    expect(await s.storage.get('uploads')).toEqual([]);
    expect(await s.storage.get('upload:old')).toBeUndefined();
    t.uploads.destroy();
  });

  it('is not uploaded again when its message is in the stored outbox (a reload between the two writes)', async () => {
    const s = site();
    await keep(s.storage, 'k1');
    await s.storage.set('outbox', [{ clientMessageId: 'k1', body: '', sentAt: new Date().toISOString(), attachment: { attachmentId: 'att-1' } }]);
    const t = s.tab('A');
    await t.uploads.flush();
    await settle();
    expect(t.uploads.entries.value).toEqual([]);
    expect(s.seen).toEqual([]);
    expect(await s.storage.get('uploads')).toEqual([]);
    expect(await s.storage.get('upload:k1')).toBeUndefined();
    t.uploads.destroy();
  });

  it('is not uploaded again when its message is confirmed while the upload code loads', async () => {
    const s = site();
    await keep(s.storage, 'k2');
    let pass!: () => void;
    const held = new Promise<void>((resolve) => (pass = resolve));
    const t = s.tab('A', { loadMachinery: async () => (await held, import('../../../src/uploads/machinery.ts')) });
    // The outbox sent the message kept by the earlier page; the server confirms it.
    t.uploads.confirm('k2');
    pass();
    await t.uploads.flush();
    await settle();
    expect(s.seen).toEqual([]);
    expect(t.uploads.entries.value).toEqual([]);
    expect(await s.storage.get('uploads')).toEqual([]);
    t.uploads.destroy();
  });
});
