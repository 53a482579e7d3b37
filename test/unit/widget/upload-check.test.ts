import { describe, expect, it } from 'vitest';
import { enViews } from '../../../widget/app/i18n/en-views.ts';
import { loadText } from '../../../widget/app/i18n/locale.ts';
import { uploadRefusal as refusal } from '../../../widget/app/upload-check.ts';

const uploadRefusal = (file: File, limits: Parameters<typeof refusal>[1]) => refusal(file, limits, enViews, 'en');

// What the visitor is told, before any byte is sent, about a file the server would refuse.
describe('upload pre-check', () => {
  const types = ['image/png', 'image/jpeg', 'application/pdf', 'application/zip', 'text/plain', 'text/csv'];
  const file = (name: string, type: string, size = 10) => new File([new Uint8Array(size)], name, { type });

  it('lets an accepted file through', () => {
    expect(uploadRefusal(file('photo.png', 'image/png'), { maxUploadBytes: 100, uploadTypes: types })).toBeNull();
  });

  it('refuses an empty file', () => {
    expect(uploadRefusal(file('empty.pdf', 'application/pdf', 0), { uploadTypes: types })).toBe('“empty.pdf” is empty.');
  });

  it('refuses a file over the limit with both sizes', () => {
    expect(uploadRefusal(file('big.pdf', 'application/pdf', 3 * 1048576), { maxUploadBytes: 1048576 })).toBe(
      '“big.pdf” is 3 MB. Files can be up to 1 MB.',
    );
  });

  it('refuses a type the tenant does not accept', () => {
    expect(uploadRefusal(file('page.html', 'application/x-msdownload'), { uploadTypes: types })).toMatch(/“page.html” is a type of file that cannot be sent/);
    expect(uploadRefusal(file('logo.svg', 'image/svg+xml'), { uploadTypes: types })).not.toBeNull();
  });

  it('leaves the type to the server when the browser does not know it, or calls an accepted type by another name', () => {
    expect(uploadRefusal(file('notes', ''), { uploadTypes: types })).toBeNull();
    expect(uploadRefusal(file('a.zip', 'application/x-zip-compressed'), { uploadTypes: types })).toBeNull();
    expect(uploadRefusal(file('a.jpg', 'image/jpg'), { uploadTypes: types })).toBeNull();
    expect(uploadRefusal(file('readme.md', 'text/markdown'), { uploadTypes: types })).toBeNull();
  });

  it('checks only the size when bootstrap lists no types', () => {
    expect(uploadRefusal(file('logo.svg', 'image/svg+xml'), {})).toBeNull();
  });

  it('says it in the widget’s language, with the sizes written the language’s way', async () => {
    const es = await loadText('es');
    const big = file('grande.pdf', 'application/pdf', 1.5 * 1048576);
    expect(refusal(big, { maxUploadBytes: 1048576 }, es, 'es')).toBe('«grande.pdf» ocupa 1,5 MB. Los archivos pueden ocupar hasta 1 MB.');
    const ar = await loadText('ar');
    expect(refusal(file('a.pdf', 'application/pdf', 0), {}, ar, 'ar')).toBe('«a.pdf» فارغ.');
    expect(refusal(big, { maxUploadBytes: 1048576 }, ar, 'ar')).not.toMatch(/MB/);
  });
});
