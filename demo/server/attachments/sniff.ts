/**
 * What a file really is, from its bytes (extensions.md §7), decided by `file-type`. The declared
 * content type and the file name's extension are hints only: they pick between types that share
 * a container (audio or video WebM/MP4, Office documents in a ZIP) and decide whether plain text
 * is wanted. What `file-type` cannot do stays here, each for a reason:
 * - plain text has no magic bytes (`file-type` answers nothing), so UTF-8 without NUL is checked
 *   here, and text that starts like markup is refused: HTML and SVG without an XML prolog are
 *   not recognised by `file-type` at all, and a browser would sniff them as a page;
 * - `application/xml` (which covers SVG with a prolog) is recognised, and refused: markup can run script;
 * - `file-type` accepts any ISO `ftyp` brand and any MP3 frame sync, so `ftyp<html>` or
 *   `FF FB 90 00<html>` pass as video or audio: a brand allowlist and two whole MPEG frames are
 *   asked for here (`mpeg-audio.ts`).
 */
import { fileTypeFromBuffer } from 'file-type';
import type { AttachmentKind } from '../../../src/contract/extensions.ts';
import { isMpegAudio } from './mpeg-audio.ts';

export interface Sniffed {
  contentType: string;
  kind: AttachmentKind;
}

/** Types a browser may render inline from the files origin; everything else is served as a download. */
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

/** `file-type`'s answers we take as they are (its MIME, without parameters, is ours). */
const AS_DETECTED: Record<string, AttachmentKind> = {
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'audio/wav': 'audio',
  'audio/ogg': 'audio',
  'application/pdf': 'document',
  [OFFICE.docx as string]: 'document',
  [OFFICE.xlsx as string]: 'document',
  [OFFICE.pptx as string]: 'document',
};

/** `file-type`'s ISO media answers: accepted only with one of these `ftyp` major brands. */
const ISO_MEDIA = new Set(['video/mp4', 'audio/x-m4a', 'audio/mp4', 'video/quicktime', 'video/3gpp', 'video/x-m4v', 'audio/x-m4b']);
const MP4_BRANDS = ['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4A ', 'M4V ', 'M4B ', 'qt  ', '3gp4', '3gp5', '3gp6', 'dash', 'f4v ', 'MSNV'];

const ascii = (bytes: Uint8Array, offset: number, text: string) =>
  bytes.length >= offset + text.length && [...text].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * The type of `bytes` (the whole file), or undefined when it is not one we accept. `name` and
 * `declared` only break ties, never override the content.
 */
export async function sniff(bytes: Uint8Array, name: string, declared: string): Promise<Sniffed | undefined> {
  const ext = extensionOf(name);
  const wantsAudio = declared.toLowerCase().startsWith('audio/') || ['mp3', 'm4a', 'ogg', 'oga', 'opus', 'wav', 'weba'].includes(ext);
  const detected = await fileTypeFromBuffer(bytes).catch(() => undefined);
  if (detected) {
    const mime = detected.mime.split(';')[0]?.trim() ?? '';
    const kind = AS_DETECTED[mime];
    if (kind) return { contentType: mime, kind };
    if (mime === 'audio/mpeg') return isMpegAudio(bytes) ? { contentType: 'audio/mpeg', kind: 'audio' } : undefined;
    // MediaRecorder voice notes are audio-only WebM, which file-type (reading the DocType only) calls video.
    if (mime === 'video/webm' || mime === 'audio/webm') {
      return wantsAudio ? { contentType: 'audio/webm', kind: 'audio' } : { contentType: 'video/webm', kind: 'video' };
    }
    if (ISO_MEDIA.has(mime)) {
      if (!ascii(bytes, 4, 'ftyp') || !MP4_BRANDS.some((brand) => ascii(bytes, 8, brand))) return undefined;
      if (ascii(bytes, 8, 'qt  ')) return { contentType: 'video/quicktime', kind: 'video' };
      if (ascii(bytes, 8, 'M4A ') || wantsAudio) return { contentType: 'audio/mp4', kind: 'audio' };
      return { contentType: 'video/mp4', kind: 'video' };
    }
    // A ZIP file-type could not see into (a minimal Office file): the name says which.
    if (mime === 'application/zip') return { contentType: OFFICE[ext] ?? 'application/zip', kind: 'document' };
    // Anything else it recognised (XML/SVG, executables, archives we do not take) is refused.
    return undefined;
  }
  const textType = TEXT_EXTENSIONS[ext] ?? (declared.toLowerCase().startsWith('text/plain') ? 'text/plain' : undefined);
  if (textType && isPlainText(bytes)) return { contentType: textType, kind: 'document' };
  return undefined;
}

/** UTF-8 without NUL bytes that does not start like markup (a browser would sniff that as HTML). */
function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/^\uFEFF?\s*</.test(text);
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
