import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdbStorage, createMemoryStorage } from '../../../src/index.ts';
import { defaultStorage, namespaced } from '../../../src/storage.ts';
import type { RuntimeStorage } from '../../../src/types.ts';

afterEach(() => vi.unstubAllGlobals());

function behavesAsStorage(make: () => RuntimeStorage) {
  it('gets what was set, and nothing after del', async () => {
    const storage = make();
    expect(await storage.get('acme:outbox')).toBeUndefined();
    await storage.set('acme:outbox', [{ clientMessageId: 'c1', body: 'hi' }]);
    expect(await storage.get('acme:outbox')).toEqual([{ clientMessageId: 'c1', body: 'hi' }]);
    await storage.del('acme:outbox');
    expect(await storage.get('acme:outbox')).toBeUndefined();
  });

  it('keeps a copy: changing a value after set or get does not change what is stored', async () => {
    const storage = make();
    const value = { list: [1] };
    await storage.set('k', value);
    value.list.push(2);
    const read = await storage.get<{ list: number[] }>('k');
    read!.list.push(3);
    expect(await storage.get('k')).toEqual({ list: [1] });
  });
}

describe('memory storage', () => behavesAsStorage(createMemoryStorage));

describe('IndexedDB storage', () => {
  behavesAsStorage(() => {
    vi.stubGlobal('indexedDB', new IDBFactory());
    return createIdbStorage();
  });

  it('survives a reload: a new storage over the same database reads what the old one wrote', async () => {
    vi.stubGlobal('indexedDB', new IDBFactory());
    await createIdbStorage().set('acme:visitorCredential', 'cred-1');
    expect(await createIdbStorage().get('acme:visitorCredential')).toBe('cred-1');
  });

  it('does not open the database until first used', () => {
    const factory = new IDBFactory();
    const open = vi.spyOn(factory, 'open');
    vi.stubGlobal('indexedDB', factory);
    createIdbStorage();
    expect(open).not.toHaveBeenCalled();
  });
});

describe('choosing and namespacing', () => {
  it('uses IndexedDB when the platform has it, memory otherwise', async () => {
    const factory = new IDBFactory();
    vi.stubGlobal('indexedDB', factory);
    await defaultStorage().set('k', 1);
    expect(await createIdbStorage().get('k')).toBe(1);
    vi.stubGlobal('indexedDB', undefined);
    await defaultStorage().set('k', 2);
    vi.stubGlobal('indexedDB', factory);
    expect(await createIdbStorage().get('k')).toBe(1);
  });

  it('keeps tenants apart by prefixing keys', async () => {
    const raw = createMemoryStorage();
    await namespaced(raw, 'acme').set('visitorCredential', 'a');
    await namespaced(raw, 'globex').set('visitorCredential', 'g');
    expect(await raw.get('acme:visitorCredential')).toBe('a');
    expect(await namespaced(raw, 'globex').get('visitorCredential')).toBe('g');
    await namespaced(raw, 'acme').del('visitorCredential');
    expect(await raw.get('globex:visitorCredential')).toBe('g');
  });
});
