/**
 * The checks the widget makes before uploading a file, so a file the server would refuse costs
 * no bytes and gets a clear reason at once. The server stays the judge (it decides the type by
 * the file's first bytes); this only refuses what it certainly would.
 */
import { formatSize } from '../format-size.ts';
import type { ViewText } from './i18n/en-views.ts';

/** What bootstrap's `sdk` says about uploads. */
export interface UploadLimits {
  maxUploadBytes?: number;
  uploadTypes?: readonly string[];
}

// Names browsers give some accepted types (e.g. Windows' zip), mapped to the listed name.
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/x-m4a': 'audio/mp4',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
};

/** Whether the browser's idea of the type may be accepted. */
function typeAllowed(type: string, allowed: readonly string[]): boolean {
  const declared = type.toLowerCase().split(';')[0]!.trim();
  // Unknown to the browser: only the server, reading the bytes, can tell.
  if (!declared) return true;
  // Text files are recognised by name on the server (`.md`, `.log` as text/plain), whatever the browser calls them.
  if (declared.startsWith('text/') && allowed.some((t) => t.startsWith('text/'))) return true;
  return allowed.includes(ALIASES[declared] ?? declared);
}

/**
 * Why `file` cannot be sent, as a sentence for the visitor in the words `v` of language `lang`,
 * or `null` when it may be uploaded.
 * @example uploadRefusal(new File([], 'a.txt'), {}, enViews, 'en') // '“a.txt” is empty.'
 */
export function uploadRefusal(file: File, limits: UploadLimits, v: ViewText, lang: string): string | null {
  const { maxUploadBytes: max, uploadTypes } = limits;
  if (file.size === 0) return v.fileEmpty(file.name);
  if (max && file.size > max) return v.fileTooBig(file.name, formatSize(file.size, lang), formatSize(max, lang));
  if (uploadTypes?.length && !typeAllowed(file.type, uploadTypes)) return v.fileType(file.name);
  return null;
}
