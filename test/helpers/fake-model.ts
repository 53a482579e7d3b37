/**
 * A fake OpenAI-compatible chat-completions provider on loopback (a random port), for tests of
 * the server's `AI_BASE_URL` engine: the model is outside the machine, so it is the one thing
 * faked. Each request's JSON body is read in full, then handed to the test's `answer`.
 */
import { type IncomingHttpHeaders, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat-completions request as the server sends it. */
export interface ModelRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: { model: string; stream: boolean; messages: Array<{ role: string; content: string }> };
}

export interface FakeModel {
  /** The API root to put in `AI_BASE_URL` (`http://127.0.0.1:PORT/v1`). */
  baseUrl: string;
  /** Cuts open answers (a stalled stream) and stops listening. */
  close(): Promise<void>;
}

export async function startFakeModel(answer: (request: ModelRequest, res: ServerResponse) => void): Promise<FakeModel> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => answer({ url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as ModelRequest['body'] }, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Answers with `pieces` as a streamed completion: one server-sent event each, then `[DONE]`. */
export function streamPieces(res: ServerResponse, pieces: Iterable<string>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const content of pieces) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
  res.end('data: [DONE]\n\n');
}
