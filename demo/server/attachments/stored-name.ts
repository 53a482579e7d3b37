/**
 * The name an upload is stored and downloaded under: its extension always names the type found
 * in the bytes (extensions.md §7). The name is what a downloaded file is saved as, and the
 * agent's or visitor's computer opens it by that extension, not by our Content-Type: a plain
 * text file named `invoice.html` opens as a page from `file://`, `receipt.js` or `pay.hta` runs
 * in a script host on a double click. So an extension that does not belong to the found type is
 * replaced (`page.html` holding a PNG becomes `page.png`), and a name without one gets one.
 */

/** The extensions each stored type may keep; the first is the one added or put in place. */
const EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'audio/mpeg': ['mp3'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'audio/wav': ['wav'],
  'audio/webm': ['weba', 'webm'],
  'audio/mp4': ['m4a', 'mp4', 'aac'],
  'video/mp4': ['mp4', 'm4v'],
  'video/webm': ['webm'],
  'video/quicktime': ['mov', 'qt'],
  'application/pdf': ['pdf'],
  'application/zip': ['zip'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'text/plain': ['txt', 'log', 'md'],
  'text/csv': ['csv'],
};

/** Longer suffixes that are still extensions a desktop acts on: replaced, never appended to. */
const LONG_EXTENSIONS = new Set(['xhtml', 'shtml', 'desktop', 'appref-ms', 'settingcontent-ms', 'library-ms', 'search-ms', 'webloc', 'inetloc']);

/**
 * `name` (already cleaned by `cleanName`) with the extension of `contentType`. A short suffix
 * (1–5 letters or digits, or a known longer one) counts as an extension and is replaced; any
 * other dot stays part of the name (`Q3.report` holding text becomes `Q3.report.txt`).
 */
export function storedName(name: string, contentType: string): string {
  const allowed = EXTENSIONS[contentType];
  // Every stored type has extensions; a type without would be a bug, so say nothing runnable.
  const canonical = allowed?.[0] ?? 'bin';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (ext && allowed?.includes(ext)) return name;
  const isExtension = ext !== '' && (/^[a-z0-9]{1,5}$/.test(ext) || LONG_EXTENSIONS.has(ext));
  const base = (isExtension ? name.slice(0, dot) : name).replace(/[.\s]+$/, '') || 'file';
  return `${base}.${canonical}`;
}
