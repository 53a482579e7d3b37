/** The success envelope `{ success: true, data }` every endpoint answers with. */
import type { Context } from 'hono';

export function ok<T>(c: Context, data: T, status: 200 | 201 = 200): Response {
  return c.json({ success: true as const, data }, status);
}
