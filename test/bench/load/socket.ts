/**
 * A realtime socket as the widget (or the console) opens it: connect to `/api/realtime` with the
 * page's `Origin`, send `{type:"auth"}` first, and count it held once `ready` arrives.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import { LoadRequestError } from './api.ts';
import type { LoadServer } from './server-process.ts';

/** A socket that does not get `ready` in this time counts as refused. */
const READY_WITHIN_MS = 15_000;

/**
 * Opens an authenticated socket; `onFrame` hears every frame after `ready` (a visitor's socket
 * passes none: the generator does not parse what visitors are sent). Rejects with the close
 * code or error frame's code when the server refuses it.
 */
export function openSocket(server: LoadServer, token: string, onFrame?: (frame: ServerFrame) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/realtime`, { origin: server.origin });
    let ready = false;
    const fail = (code: string, message: string) => {
      clearTimeout(timer);
      if (!ready) reject(new LoadRequestError(code, message));
      ws.terminate();
    };
    const timer = setTimeout(() => fail('READY_TIMEOUT', `no ready frame within ${READY_WITHIN_MS} ms`), READY_WITHIN_MS);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    ws.on('message', (raw) => {
      if (ready && !onFrame) return;
      const frame = JSON.parse(String(raw)) as ServerFrame;
      if (!ready) {
        if (frame.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          resolve(ws);
        } else if (frame.type === 'error') fail(frame.code, frame.message);
        return;
      }
      onFrame?.(frame);
    });
    ws.on('error', (error: Error & { code?: string }) => fail(error.code ?? 'SOCKET_ERROR', error.message));
    ws.on('close', (code) => !ready && fail(`CLOSE_${code}`, `closed with ${code} before ready`));
  });
}
