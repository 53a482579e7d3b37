import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isRuntimeError, RuntimeError, toRuntimeError } from '../../../src/errors.ts';

describe('RuntimeError', () => {
  it('carries the contract code, status, details and cause, and is an Error', () => {
    const cause = new Error('below');
    const error = new RuntimeError('VALIDATION_FAILED', 'Bad body.', { status: 400, details: ['body: required'], cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RuntimeError', code: 'VALIDATION_FAILED', status: 400, details: ['body: required'], message: 'Bad body.' });
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(false);
  });

  it('is retryable for network trouble, rate limits and server faults, not for refusals', () => {
    expect(new RuntimeError('NETWORK_ERROR', 'x').retryable).toBe(true);
    expect(new RuntimeError('RATE_LIMITED', 'x', { status: 429 }).retryable).toBe(true);
    expect(new RuntimeError('INTERNAL_ERROR', 'x', { status: 503 }).retryable).toBe(true);
    expect(new RuntimeError('SDK_ORIGIN_NOT_ALLOWED', 'x', { status: 403 }).retryable).toBe(false);
    expect(new RuntimeError('NETWORK_ERROR', 'x', { retryable: false }).retryable).toBe(false);
  });

  it('is recognised across realms and bundle copies, where instanceof fails', () => {
    const foreign = vm.runInNewContext(`
      class RuntimeError extends Error { constructor() { super('from elsewhere'); this.name = 'RuntimeError'; this.code = 'TOKEN_EXPIRED'; } }
      new RuntimeError()`) as unknown;
    expect(foreign instanceof RuntimeError).toBe(false);
    expect(isRuntimeError(foreign)).toBe(true);
    expect(isRuntimeError(new RuntimeError('TOKEN_EXPIRED', 'x'))).toBe(true);
    expect(isRuntimeError(new Error('plain'))).toBe(false);
    expect(isRuntimeError({ name: 'RuntimeError' })).toBe(false);
    expect(isRuntimeError(null)).toBe(false);
  });

  it('converts what fetch throws into NETWORK_ERROR, naming the request and the cause', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    const error = toRuntimeError(refused, 'GET sdk/bootstrap');
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    expect(error.message).toBe('Expected an answer to GET sdk/bootstrap, but the request failed: fetch failed (ECONNREFUSED).');
    expect(error.cause).toBe(refused);
    const timeout = Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
    expect(toRuntimeError(timeout, 'GET x').message).toBe('Expected an answer to GET x, but the request timed out.');
  });

  it('passes a RuntimeError through unchanged', () => {
    const original = new RuntimeError('TOKEN_EXPIRED', 'x');
    expect(toRuntimeError(original, 'anything')).toBe(original);
  });
});
