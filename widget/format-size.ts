// A file of its own: only file messages and the upload check (chunks) need it, not the first screen.
/**
 * A file size in the language's words and digits (`Intl.NumberFormat` units): bytes under 1 KB,
 * whole kilobytes under 1 MB, megabytes with at most one decimal (1 KB = 1024 bytes).
 * @example formatSize(3 * 1048576, 'en') // '3 MB'; formatSize(1536 * 1024, 'es') // '1,5 MB'
 */
export function formatSize(bytes: number, lang: string): string {
  const [value, unit] = bytes >= 1048576 ? [bytes / 1048576, 'megabyte'] : bytes >= 1024 ? [Math.round(bytes / 1024), 'kilobyte'] : [bytes, 'byte'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}
