/** Content sniffing decides what an upload is; names and declared types only break ties. */
import { describe, expect, it } from 'vitest';
import { sniff } from '../../../demo/server/attachments/sniff.ts';
import { HTML, JPEG, PDF, PNG, SVG_WITH_SCRIPT, TEXT, WEBM_VOICE } from '../../contract/fixtures/files.ts';

const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
const mp4 = new Uint8Array([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 0, 0]);

describe('sniff', () => {
  it('recognises each accepted type by its content', async () => {
    expect(await sniff(PNG, 'a.bin', '')).toEqual({ contentType: 'image/png', kind: 'image' });
    expect(await sniff(JPEG, 'a.png', 'image/png')).toEqual({ contentType: 'image/jpeg', kind: 'image' });
    expect(await sniff(PDF, 'a', '')).toEqual({ contentType: 'application/pdf', kind: 'document' });
    expect(await sniff(mp4, 'clip.mp4', 'video/mp4')).toEqual({ contentType: 'video/mp4', kind: 'video' });
    expect(await sniff(mp4, 'note.m4a', '')).toEqual({ contentType: 'audio/mp4', kind: 'audio' });
  });

  it('uses the declared type only to tell audio WebM from video WebM, and the name for Office files', async () => {
    expect((await sniff(WEBM_VOICE, 'voice.webm', 'audio/webm;codecs=opus'))?.kind).toBe('audio');
    expect((await sniff(WEBM_VOICE, 'clip.webm', 'video/webm'))?.kind).toBe('video');
    expect((await sniff(zip, 'cv.docx', ''))?.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect((await sniff(zip, 'photos.zip', ''))?.contentType).toBe('application/zip');
  });

  it('accepts plain text only when asked for as text, and never markup', async () => {
    expect(await sniff(TEXT, 'order.txt', '')).toEqual({ contentType: 'text/plain', kind: 'document' });
    expect((await sniff(TEXT, 'data.csv', ''))?.contentType).toBe('text/csv');
    expect(await sniff(TEXT, 'order', 'application/octet-stream')).toBeUndefined();
    expect(await sniff(HTML, 'page.txt', 'text/plain')).toBeUndefined();
    expect(await sniff(SVG_WITH_SCRIPT, 'logo.txt', 'text/plain')).toBeUndefined();
    expect(await sniff(new Uint8Array([0x41, 0, 0x42]), 'bin.txt', 'text/plain')).toBeUndefined();
  });

  it('refuses SVG, HTML and unknown binaries whatever they are called', async () => {
    expect(await sniff(SVG_WITH_SCRIPT, 'logo.svg', 'image/svg+xml')).toBeUndefined();
    expect(await sniff(SVG_WITH_SCRIPT, 'logo.png', 'image/png')).toBeUndefined();
    expect(await sniff(HTML, 'index.html', 'text/html')).toBeUndefined();
    expect(await sniff(new Uint8Array([0x4d, 0x5a, 0x90, 0]), 'setup.pdf', 'application/pdf')).toBeUndefined();
  });

  describe('MPEG audio and ISO media need real headers (S5)', () => {
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
    const frame = (fill: number) => [0xff, 0xfb, 0x90, 0x00, ...new Array<number>(413).fill(fill)];
    const html = [...Buffer.from('<html><script>alert(1)</script>')];

    it('accepts MP3 with two frame syncs, or an ID3 tag', async () => {
      expect(await sniff(new Uint8Array([...frame(0), ...frame(0)]), 'a.mp3', '')).toEqual({ contentType: 'audio/mpeg', kind: 'audio' });
      expect((await sniff(new Uint8Array([...Buffer.from('ID3'), 4, 0, 0, 0, 0, 0, 0, ...frame(0), ...frame(0)]), 'a.mp3', ''))?.contentType).toBe('audio/mpeg');
    });

    it('refuses an FF Ex prefix on HTML, bad bitrate or sample-rate indexes, and a missing second frame', async () => {
      expect(await sniff(new Uint8Array([0xff, 0xfb, 0x90, 0x00, ...html]), 'a.mp3', 'audio/mpeg')).toBeUndefined();
      expect(await sniff(new Uint8Array([0xff, 0xe3, 0xf0, 0x00, ...new Array<number>(600).fill(0)]), 'a.mp3', '')).toBeUndefined(); // bitrate index 15
      expect(await sniff(new Uint8Array([0xff, 0xfb, 0x9c, 0x00, ...new Array<number>(600).fill(0)]), 'a.mp3', '')).toBeUndefined(); // sample-rate index 3
      expect(await sniff(new Uint8Array([0xff, 0xfb, 0x00, 0x00, ...new Array<number>(600).fill(0)]), 'a.mp3', '')).toBeUndefined(); // free bitrate
      expect(await sniff(new Uint8Array([...frame(0x41), ...html, ...new Array<number>(10).fill(0x41)]), 'a.mp3', '')).toBeUndefined();
    });

    it('accepts only known ftyp brands', async () => {
      const ftyp = (brand: string) => new Uint8Array([0, 0, 0, 0x18, ...Buffer.from(`ftyp${brand}`), 0, 0, 0, 0]);
      expect((await sniff(ftyp('mp42'), 'clip.mp4', ''))?.contentType).toBe('video/mp4');
      expect((await sniff(ftyp('M4A '), 'a', ''))?.contentType).toBe('audio/mp4');
      expect((await sniff(ftyp('qt  '), 'a.mov', ''))?.contentType).toBe('video/quicktime');
      expect((await sniff(ftyp('3gp5'), 'a.3gp', ''))?.kind).toBe('video');
      expect(await sniff(new Uint8Array([0, 0, 0, 0x18, ...Buffer.from('ftyp<html><script>alert(1)</script>')]), 'a.mp4', 'video/mp4')).toBeUndefined();
      expect(await sniff(ftyp('zzzz'), 'a.mp4', 'video/mp4')).toBeUndefined();
    });
  });
});
