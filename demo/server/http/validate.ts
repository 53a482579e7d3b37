/**
 * Request input: JSON bodies (media type, parse, contract schema) and query parameters.
 * Every problem becomes 400 `VALIDATION_FAILED` whose `details` list `path: message`.
 */
import type { Context } from 'hono';
import type { ErrorObject } from 'ajv';
import { ApiError } from './errors.ts';
import { schemaValidator } from './contract-schemas.ts';
import { MAX_JSON_DEPTH, jsonDepth } from './json-depth.ts';

/**
 * Reads the body as JSON and validates it against the contract schema `schema`.
 * An empty body counts as `{}` (endpoints whose body is optional, e.g. close/assign).
 * Nesting deeper than {@link MAX_JSON_DEPTH} is refused (`JSON_TOO_DEEP`) before parsing.
 * Fields the schema does not name are ignored (extensions.md §5): handlers read only the
 * fields they know, so an extra `senderType` or `visitorId` changes nothing.
 */
export async function readJson<T>(c: Context, schema: string): Promise<T> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.length > 0) {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Expected a body of type application/json, got "${type || 'none'}".`);
    }
    const depth = jsonDepth(text);
    if (depth > MAX_JSON_DEPTH) {
      throw new ApiError(400, 'JSON_TOO_DEEP', `The body nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted.`, [
        `body: nested deeper than ${MAX_JSON_DEPTH} levels`,
      ]);
    }
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'The body is not valid JSON.', [
        `body: ${error instanceof Error ? error.message : 'unparseable'}`,
      ]);
    }
  }
  const validate = schemaValidator(schema);
  if (!validate(value)) {
    throw new ApiError(400, 'VALIDATION_FAILED', `The body does not match ${schema}.`, formatErrors(validate.errors ?? []));
  }
  return value as T;
}

/** Throws `VALIDATION_FAILED` with one detail; for rules the contract schema cannot state. */
export function invalid(path: string, message: string): never {
  throw new ApiError(400, 'VALIDATION_FAILED', `Invalid ${path}: ${message}.`, [`${path}: ${message}`]);
}

/** An optional integer query parameter within [min, max]. */
export function queryInt(c: Context, name: string, min: number, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    invalid(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function formatErrors(errors: ErrorObject[]): string[] {
  const lines = errors
    // allOf/anyOf wrappers repeat what their branches already said.
    .filter((e) => !['allOf', 'anyOf', 'oneOf', 'if'].includes(e.keyword))
    .map((e) => {
      const base = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : 'body';
      const path = e.keyword === 'required' ? `${e.instancePath ? `${base}.` : ''}${String(e.params.missingProperty)}` : base;
      const message = e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
      const allowed = e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
      return `${path}: ${message}${allowed}`;
    });
  return [...new Set(lines)];
}
