import { describe, expect, it, vi } from 'vitest';
import { isRuntimeError, type RuntimeError } from '../../../src/errors.ts';
import { createHttp } from '../../../src/http.ts';
import { closedPortUrl, fail, ok, until, useFaultServer } from './fault-server.ts';

const server = useFaultServer();

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => {
      expect(isRuntimeError(error)).toBe(true);
      return error as RuntimeError;
    },
  );

describe('envelopes', () => {
  it('gives the data of a success envelope', async () => {
    server.handle(() => ok({ tenant: { clientId: 'c1' } }));
    const http = createHttp({ baseUrl: server.baseUrl });
    await expect(http.get('sdk/bootstrap', { searchParams: { slug: 'acme', apiKey: undefined } })).resolves.toEqual({ tenant: { clientId: 'c1' } });
    expect(server.requests[0]!.url).toBe('/sdk/bootstrap?slug=acme');
  });

  it('sends a JSON body and the session token header when there is a token', async () => {
    server.handle(() => ok({ message: { messageId: 'm1' } }));
    const http = createHttp({ baseUrl: server.baseUrl, getToken: async () => 'tok-1' });
    await http.post('chat/visitor/conversations/c1/messages', { body: 'hi' });
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.headers['x-ringnity-sdk-session']).toBe('tok-1');
    expect(request!.headers['content-type']).toContain('application/json');
    expect(JSON.parse(request!.body)).toEqual({ body: 'hi' });
  });

  it('turns an error envelope into a RuntimeError with its code, status, message and details', async () => {
    server.handle(() => fail(400, 'VALIDATION_FAILED', 'The request body is invalid.', ['body: must be a string']));
    const error = await caught(createHttp({ baseUrl: server.baseUrl }).post('sdk/session', {}));
    expect(error).toMatchObject({
      name: 'RuntimeError',
      code: 'VALIDATION_FAILED',
      status: 400,
      message: 'The request body is invalid.',
      details: ['body: must be a string'],
      retryable: false,
    });
  });

  it('reports a non-JSON 502 from a proxy as a retryable network error that quotes what came', async () => {
    server.handle(() => ({ status: 502, body: '<html><body>Bad Gateway</body></html>' }));
    const error = await caught(createHttp({ baseUrl: server.baseUrl, retries: 0 }).get('sdk/health'));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('Expected a JSON envelope from GET sdk/health, received HTTP 502');
    expect(error.message).toContain('Bad Gateway');
  });

  it('reports a success status with a body that is not JSON', async () => {
    server.handle(() => ({ status: 200, body: 'hello' }));
    const error = await caught(createHttp({ baseUrl: server.baseUrl }).get('sdk/health'));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toMatch(/Expected a JSON envelope .* received HTTP 200 with "hello"/);
  });

  it('reports a server that is down as NETWORK_ERROR, naming the request', async () => {
    const http = createHttp({ baseUrl: await closedPortUrl(), retries: 0 });
    const error = await caught(http.get('sdk/bootstrap'));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('GET sdk/bootstrap');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports NETWORK_UNAVAILABLE when the device says it is offline', async () => {
    vi.stubGlobal('navigator', { onLine: false });
    try {
      const error = await caught(createHttp({ baseUrl: await closedPortUrl(), retries: 0 }).get('sdk/bootstrap'));
      expect(error.code).toBe('NETWORK_UNAVAILABLE');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('retries', () => {
  it('retries a GET after a 5xx and a dropped connection, then succeeds', async () => {
    server.handle((_, i) => (i === 0 ? fail(500, 'INTERNAL_ERROR') : i === 1 ? { drop: true } : ok({ fine: true })));
    await expect(createHttp({ baseUrl: server.baseUrl }).get('sdk/health')).resolves.toEqual({ fine: true });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a POST after a 500 or a dropped connection (it may have been processed)', async () => {
    const http = createHttp({ baseUrl: server.baseUrl });
    server.handle(() => fail(500, 'INTERNAL_ERROR'));
    expect((await caught(http.post('chat/visitor/conversations', {}))).code).toBe('INTERNAL_ERROR');
    server.handle(() => ({ drop: true }));
    expect((await caught(http.post('chat/visitor/conversations', {}))).code).toBe('NETWORK_ERROR');
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the retry limit and reports the last failure', async () => {
    server.handle(() => fail(503, 'INTERNAL_ERROR', 'busy'));
    const error = await caught(createHttp({ baseUrl: server.baseUrl, retries: 1 }).get('sdk/health'));
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', status: 503, retryable: true });
    expect(server.requests).toHaveLength(2);
  });

  describe('Retry-After', () => {
    // Only setTimeout is faked (and Date for HTTP dates): sockets and setImmediate stay real.
    // fetch (undici) and the server schedule timers of their own, so the retry is recognised
    // by the delay it is scheduled with.
    const fakeClock = () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const spy = vi.spyOn(globalThis, 'setTimeout');
      return (ms: number) => until(() => spy.mock.calls.some((call) => call[1] === ms));
    };
    const second = () => server.requests.length === 2;
    // No pooled sockets, whose keep-alive timers would muddle the delays seen.
    const closing = { connection: 'close' };

    it('waits the seconds a 429 asks for, even for a POST, then sends again', async () => {
      const scheduled = fakeClock();
      server.handle((_, i) => (i === 0 ? { ...fail(429, 'RATE_LIMITED'), headers: { ...closing, 'retry-after': '7' } } : ok({ sent: true })));
      const answer = createHttp({ baseUrl: server.baseUrl, timeout: false }).post('chat/visitor/conversations/c1/messages', { body: 'x' });
      await scheduled(7_000);
      vi.advanceTimersByTime(6_999);
      expect(server.requests).toHaveLength(1);
      vi.advanceTimersByTime(1);
      await until(second);
      await expect(answer).resolves.toEqual({ sent: true });
    });

    it('honours an HTTP-date Retry-After on a 503', async () => {
      const scheduled = fakeClock();
      vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
      const later = new Date('2026-01-01T00:00:11Z').toUTCString();
      server.handle((_, i) => (i === 0 ? { ...fail(503, 'INTERNAL_ERROR'), headers: { ...closing, 'retry-after': later } } : ok(1)));
      const answer = createHttp({ baseUrl: server.baseUrl, timeout: false }).get('sdk/health');
      await scheduled(11_000);
      vi.advanceTimersByTime(10_999);
      expect(server.requests).toHaveLength(1);
      vi.advanceTimersByTime(1);
      await until(second);
      await expect(answer).resolves.toBe(1);
    });

    it('caps a Retry-After of an hour at 30 s and surfaces it as RATE_LIMITED with the delay', async () => {
      const scheduled = fakeClock();
      const heard: RuntimeError[] = [];
      server.handle((_, i) => (i === 0 ? { ...fail(429, 'RATE_LIMITED', 'Too many messages: try again in 3600 s.'), headers: { ...closing, 'retry-after': '3600' } } : ok(1)));
      const answer = createHttp({ baseUrl: server.baseUrl, timeout: false, onRateLimited: (e) => heard.push(e) }).get('sdk/health');
      await scheduled(30_000);
      // Heard while the client waits, so a UI can say "try again in 30 s" instead of hanging.
      expect(heard).toHaveLength(1);
      expect(heard[0]).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 30_000, retryable: true });
      vi.advanceTimersByTime(29_999);
      expect(server.requests).toHaveLength(1);
      vi.advanceTimersByTime(1);
      await until(second);
      await expect(answer).resolves.toBe(1);
    });

    it('gives up with RATE_LIMITED carrying retryAfterMs when the limit outlasts the retries', async () => {
      server.handle(() => ({ ...fail(429, 'RATE_LIMITED'), headers: { 'retry-after': '4' } }));
      const error = await caught(createHttp({ baseUrl: server.baseUrl, retries: 0 }).post('chat/visitor/conversations/c1/messages', {}));
      expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 4_000, retryable: true });
    });
  });
});

describe('retry classification', () => {
  // The same request would get the same answer: one attempt, whatever the method.
  it.each([
    [400, 'VALIDATION_FAILED'],
    [413, 'ATTACHMENT_TOO_LARGE'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
    [422, 'VALIDATION_FAILED'],
    [401, 'SDK_CONTEXT_TOKEN_INVALID'],
    [403, 'SDK_ORIGIN_NOT_ALLOWED'],
    [403, 'SERVER_API_SCOPE_DENIED'],
    [404, 'CONVERSATION_NOT_FOUND'],
    [409, 'CONVERSATION_CLOSED'],
  ])('never retries a %i %s, and says it is not retryable', async (status, code) => {
    server.handle(() => ({ ...fail(status, code), headers: { 'retry-after': '1' } }));
    const http = createHttp({ baseUrl: server.baseUrl });
    expect(await caught(http.get('sdk/health'))).toMatchObject({ code, status, retryable: false });
    expect(await caught(http.post('chat/visitor/conversations/c1/messages', {}))).toMatchObject({ code, retryable: false });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['a dropped connection', { drop: true }],
    ['a 500', fail(500, 'INTERNAL_ERROR')],
    ['a 503', fail(503, 'INTERNAL_ERROR')],
    ['a 429', { ...fail(429, 'RATE_LIMITED'), headers: { 'retry-after': '0' } }],
  ])('retries a GET after %s, and the error says retryable when it persists', async (_, reply) => {
    server.handle(() => reply);
    const error = await caught(createHttp({ baseUrl: server.baseUrl, retries: 1 }).get('sdk/health'));
    expect(error.retryable).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});

describe('expired or missing session', () => {
  it('renews the token once and repeats the request with the new token', async () => {
    let token = 'old';
    const onAuthError = vi.fn(async () => void (token = 'new'));
    server.handle((r) => (r.headers['x-ringnity-sdk-session'] === 'new' ? ok({ conversation: null }) : fail(401, 'TOKEN_EXPIRED')));
    const http = createHttp({ baseUrl: server.baseUrl, getToken: async () => token, onAuthError });
    await expect(http.get('chat/visitor/tickets/open')).resolves.toEqual({ conversation: null });
    expect(onAuthError).toHaveBeenCalledOnce();
    expect(onAuthError.mock.calls[0]).toEqual([expect.objectContaining({ code: 'TOKEN_EXPIRED' }), 'old']);
    expect(server.requests.map((r) => r.headers['x-ringnity-sdk-session'])).toEqual(['old', 'new']);
  });

  it('also renews on SDK_SESSION_REQUIRED, for a POST', async () => {
    let token = 'bad';
    server.handle((r) => (r.headers['x-ringnity-sdk-session'] === 'good' ? ok({ done: true }) : fail(401, 'SDK_SESSION_REQUIRED')));
    const http = createHttp({ baseUrl: server.baseUrl, getToken: async () => token, onAuthError: async () => (token = 'good') });
    await expect(http.post('chat/visitor/conversations', {})).resolves.toEqual({ done: true });
  });

  it('fails with the auth error when the repeated request is rejected again, without looping', async () => {
    const onAuthError = vi.fn(async () => true);
    server.handle(() => fail(401, 'TOKEN_EXPIRED', 'The session token has expired.'));
    const http = createHttp({ baseUrl: server.baseUrl, getToken: async () => 'whatever', onAuthError });
    const error = await caught(http.get('chat/visitor/tickets/open'));
    expect(error).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
    expect(onAuthError).toHaveBeenCalledOnce();
    expect(server.requests).toHaveLength(2);
  });

  it('fails without repeating when the renewal says no, or fails itself', async () => {
    server.handle(() => fail(401, 'TOKEN_EXPIRED'));
    const refused = createHttp({ baseUrl: server.baseUrl, getToken: async () => 't', onAuthError: async () => false });
    expect((await caught(refused.get('x'))).code).toBe('TOKEN_EXPIRED');
    const broken = createHttp({ baseUrl: server.baseUrl, getToken: async () => 't', onAuthError: () => Promise.reject(new Error('no')) });
    expect((await caught(broken.get('x'))).code).toBe('TOKEN_EXPIRED');
    expect(server.requests).toHaveLength(2);
  });

  it('does not renew on other errors', async () => {
    const onAuthError = vi.fn(async () => true);
    server.handle(() => fail(403, 'SDK_ORIGIN_NOT_ALLOWED'));
    const http = createHttp({ baseUrl: server.baseUrl, onAuthError });
    expect((await caught(http.get('sdk/bootstrap'))).code).toBe('SDK_ORIGIN_NOT_ALLOWED');
    expect(onAuthError).not.toHaveBeenCalled();
  });
});
