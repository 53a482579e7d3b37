/** Driver values → ISO strings (PGlite and pg both return Date for timestamptz; be lenient). */
export function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

/** Same as {@link iso} for columns that are never null. */
export function isoRequired(value: unknown): string {
  return iso(value) ?? new Date(0).toISOString();
}

/** Drops keys whose value is `undefined` or `null`, so optional contract fields are absent, not null. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}
