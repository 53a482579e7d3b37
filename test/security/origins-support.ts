/**
 * A raw HTTP request for attacks `fetch` cannot make: any `Host` header (fetch sets its own) and a
 * path sent byte for byte (fetch removes `..` segments before sending).
 */
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: { success?: boolean; code?: string; message?: string; details?: string[]; data?: Record<string, unknown> };
}

/** Sends `method path` to `baseUrl`'s host and port with exactly these headers (and body). */
export function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: RawAnswer['json'] = {};
        try {
          json = JSON.parse(text) as RawAnswer['json'];
        } catch {
          json = {};
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
