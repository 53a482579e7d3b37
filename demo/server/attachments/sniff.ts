/**
 * What a file really is, from its first bytes (extensions.md §7). The declared content type
 * and the file name's extension are hints only: they pick between types that share a container
 * (audio or video WebM/MP4, Office documents in a ZIP) and decide whether plain text is wanted.
 * Markup (HTML, SVG, XML) is never accepted: it could run script if a browser rendered it.
 */
import type { AttachmentKind } from '../../../src/contract/extensions.ts';

export interface Sniffed {
  contentType: string;
  kind: AttachmentKind;
}

/** Types a browser may render inline from our origin; everything else is served as a download. */
export const INLINE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Every type an upload may turn out to be (announced in bootstrap as `sdk.uploadTypes`). */
export const UPLOAD_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'application/pdf',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'text/plain',
  'text/csv',
] as const;

const OFFICE: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};
const TEXT_EXTENSIONS: Record<string, string> = { txt: 'text/plain', log: 'text/plain', md: 'text/plain', csv: 'text/csv' };

const ascii = (bytes: Uint8Array, offset: number, text: string) =>
  bytes.length >= offset + text.length && [...text].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** `ftyp` major brands of the ISO media files we accept (MP4, M4A/M4V, QuickTime, 3GP, DASH). */
const MP4_BRANDS = ['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4A ', 'M4V ', 'M4B ', 'qt  ', '3gp4', '3gp5', '3gp6', 'dash', 'f4v ', 'MSNV'];

/** Bitrates (kbit/s) by MPEG version/layer and index 1..14; 0 and 15 are invalid. */
const BITRATES: Record<string, number[]> = {
  '1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** The length in bytes of the MPEG audio frame whose header starts at `at`, or undefined if there is none. */
function mpegFrameLength(bytes: Uint8Array, at: number): number | undefined {
  if (at + 4 > bytes.length) return undefined;
  const [h0, h1, h2] = [bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0];
  if (h0 !== 0xff || (h1 & 0xe0) !== 0xe0) return undefined;
  const version = (h1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
  const layer = 4 - ((h1 >> 1) & 3); // 1..3; 4 is reserved
  const bitrateIndex = h2 >> 4;
  const rateIndex = (h2 >> 2) & 3;
  const padding = (h2 >> 1) & 1;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const kbps = BITRATES[`${version === 3 ? 1 : 2}-${layer}`]?.[bitrateIndex - 1];
  const rate = SAMPLE_RATES[version]?.[rateIndex];
  if (!kbps || !rate) return undefined;
  if (layer === 1) return (Math.floor((12 * kbps * 1000) / rate) + padding) * 4;
  const perFrame = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + padding;
}

/**
 * MP3 without an ID3 tag: a valid frame header, and a second one right after the first frame
 * when the sample is long enough to hold it (two random bytes pass the first check far too often).
 */
function isMpegAudio(bytes: Uint8Array): boolean {
  const length = mpegFrameLength(bytes, 0);
  if (length === undefined) return false;
  if (bytes.length < length) return false; // not even one whole frame: not audio
  if (bytes.length < length + 4) return true; // exactly one frame
  return mpegFrameLength(bytes, length) !== undefined;
}

/**
 * The type of `bytes` (at least the first few KiB of the file), or undefined when it is not
 * one we accept. `name` and `declared` only break ties, never override the content.
 */
export function sniff(bytes: Uint8Array, name: string, declared: string): Sniffed | undefined {
  const ext = extensionOf(name);
  const wantsAudio = declared.toLowerCase().startsWith('audio/') || ['mp3', 'm4a', 'ogg', 'oga', 'opus', 'wav', 'weba'].includes(ext);
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x89 && ascii(bytes, 1, 'PNG\r\n\x1a\n')) return { contentType: 'image/png', kind: 'image' };
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return { contentType: 'image/jpeg', kind: 'image' };
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return { contentType: 'image/gif', kind: 'image' };
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return { contentType: 'image/webp', kind: 'image' };
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return { contentType: 'audio/wav', kind: 'audio' };
  if (ascii(bytes, 0, '%PDF-')) return { contentType: 'application/pdf', kind: 'document' };
  if (ascii(bytes, 0, 'OggS')) return { contentType: 'audio/ogg', kind: 'audio' };
  if (ascii(bytes, 0, 'ID3') || isMpegAudio(bytes)) return { contentType: 'audio/mpeg', kind: 'audio' };
  if (b(0) === 0x1a && b(1) === 0x45 && b(2) === 0xdf && b(3) === 0xa3) {
    // Matroska/WebM: MediaRecorder voice notes are audio-only WebM.
    return wantsAudio ? { contentType: 'audio/webm', kind: 'audio' } : { contentType: 'video/webm', kind: 'video' };
  }
  if (ascii(bytes, 4, 'ftyp') && MP4_BRANDS.some((brand) => ascii(bytes, 8, brand))) {
    if (ascii(bytes, 8, 'qt  ')) return { contentType: 'video/quicktime', kind: 'video' };
    if (ascii(bytes, 8, 'M4A ') || wantsAudio) return { contentType: 'audio/mp4', kind: 'audio' };
    return { contentType: 'video/mp4', kind: 'video' };
  }
  if (ascii(bytes, 0, 'PK\x03\x04')) return { contentType: OFFICE[ext] ?? 'application/zip', kind: 'document' };
  const textType = TEXT_EXTENSIONS[ext] ?? (declared.toLowerCase().startsWith('text/plain') ? 'text/plain' : undefined);
  if (textType && isPlainText(bytes)) return { contentType: textType, kind: 'document' };
  return undefined;
}

/** UTF-8 without NUL bytes that does not start like markup (a browser would sniff that as HTML). */
function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  let text: string;
  try {
    // A cut in the middle of a multi-byte character at the end of the sample is fine.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, trimPartialUtf8(bytes)));
  } catch {
    return false;
  }
  return !/^\uFEFF?\s*</.test(text);
}

function trimPartialUtf8(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back] ?? 0;
    if ((byte & 0xc0) === 0xc0) return end - back; // a lead byte whose sequence may be incomplete
    if ((byte & 0xc0) !== 0x80) break;
  }
  return end;
}

/** A human name for a refused type, for error messages. */
export function describeRefused(bytes: Uint8Array, name: string, declared: string): string {
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  const looksLike = head.startsWith('<svg') || head.includes('<svg')
    ? 'SVG'
    : /^(<!doctype html|<html|<script|<body|<head|<iframe)/.test(head)
      ? 'HTML'
      : head.startsWith('<?xml')
        ? 'XML'
        : 'an unsupported type';
  return `The file "${name}" (declared ${declared || 'no type'}) is ${looksLike} by its content. Allowed: images (PNG, JPEG, GIF, WebP), audio, video, PDF, Office documents, ZIP and plain text.`;
}
