import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { ApiError, errorHandler } from '../../../demo/server/http/errors.ts';
import type { Logger } from '../../../demo/server/log.ts';

function appThrowing(error: Error, logged: unknown[] = []) {
  const log: Logger = { info() {}, error: (_m, e) => logged.push(e) };
  const app = new Hono();
  app.onError(errorHandler(log));
  app.get('/', () => {
    throw error;
  });
  return app;
}

it('answers an ApiError with its status, code, message and details', async () => {
  const res = await appThrowing(new ApiError(409, 'CONVERSATION_CLOSED', 'Closed.', ['a: b'])).request('/');
  expect(res.status).toBe(409);
  expect(await res.json()).toEqual({ success: false, code: 'CONVERSATION_CLOSED', message: 'Closed.', details: ['a: b'] });
});

it('answers an unexpected failure with an opaque INTERNAL_ERROR and logs the cause', async () => {
  const logged: unknown[] = [];
  const res = await appThrowing(new Error('relation "secret_table" does not exist'), logged).request('/');
  expect(res.status).toBe(500);
  const body = (await res.json()) as { code: string; message: string };
  expect(body.code).toBe('INTERNAL_ERROR');
  expect(body.message).not.toContain('secret_table');
  expect(logged).toHaveLength(1);
});
