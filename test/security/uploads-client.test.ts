/**
 * Issue 8 item 8, client side: a file one byte over the tenant's limit is refused by the widget
 * before a single byte is sent (with the reason, in the visitor's words); a file of exactly the
 * limit goes to the runtime. The server refuses limit + 1 on its own too (uploads-files.test.ts).
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { FileSend, Runtime } from '../../src/types.ts';
import { uploadRefusal } from '../../widget/app/upload-check.ts';
import { sendFiles } from '../../widget/app/send-files.ts';
import { enViews } from '../../widget/app/i18n/en-views.ts';
import type { I18n } from '../../widget/app/i18n/context.ts';

const LIMIT = 10 * 1024 * 1024;
const fileOf = (size: number, name = 'photo.png', type = 'image/png') => new File([new Uint8Array(size)], name, { type });
const limits = { maxUploadBytes: LIMIT, uploadTypes: ['image/png', 'text/plain'] };

describe('uploadRefusal', () => {
  it('refuses limit + 1 byte with the sizes in the reason, and lets exactly the limit through', () => {
    expect(uploadRefusal(fileOf(LIMIT), limits, enViews, 'en')).toBeNull();
    const refusal = uploadRefusal(fileOf(LIMIT + 1), limits, enViews, 'en');
    expect(refusal).toMatch(/^“photo\.png” is .+\. Files can be up to .+\.$/);
  });

  it('refuses an empty file and a declared markup type; leaves a type the browser does not know to the server', () => {
    expect(uploadRefusal(fileOf(0), limits, enViews, 'en')).toBe('“photo.png” is empty.');
    expect(uploadRefusal(fileOf(10, 'a.svg', 'image/svg+xml'), limits, enViews, 'en')).toMatch(/cannot be sent/);
    expect(uploadRefusal(fileOf(10, 'a.html', 'text/html'), { ...limits, uploadTypes: ['image/png'] }, enViews, 'en')).toMatch(/cannot be sent/);
    expect(uploadRefusal(fileOf(10, 'a.bin', ''), limits, enViews, 'en')).toBeNull();
  });
});

describe('sendFiles', () => {
  /** A runtime whose bootstrap announces the limit and which records what it was asked to upload. */
  function fakeRuntime() {
    const sent: File[] = [];
    const runtime = {
      bootstrap: signal({ sdk: { maxUploadBytes: LIMIT, uploadTypes: limits.uploadTypes } }),
      conversation: {
        sendFile(file: File): FileSend {
          sent.push(file);
          return { key: `k${sent.length}`, cancel() {}, retry() {}, done: Promise.resolve(null) } as unknown as FileSend;
        },
      },
    } as unknown as Runtime;
    return { runtime, sent };
  }
  const words = { lang: 'en', dir: 'ltr' } as unknown as I18n;

  it('never hands a file of limit + 1 bytes to the runtime (no upload starts) and says why', () => {
    const { runtime, sent } = fakeRuntime();
    const notice = signal<string | null>(null);
    sendFiles(runtime, [fileOf(LIMIT + 1, 'big.png')], notice, new Map(), words);
    expect(sent).toEqual([]);
    expect(notice.value).toMatch(/^“big\.png” is .+ Files can be up to/);
  });

  it('sends the files that fit and refuses only the one that does not', () => {
    const { runtime, sent } = fakeRuntime();
    const notice = signal<string | null>(null);
    const ok = fileOf(LIMIT, 'fits.png');
    sendFiles(runtime, [ok, fileOf(LIMIT + 1, 'big.png'), fileOf(1, 'small.txt', 'text/plain')], notice, new Map(), words);
    expect(sent.map((f) => f.name)).toEqual(['fits.png', 'small.txt']);
    expect(notice.value).toContain('big.png');
  });
});
