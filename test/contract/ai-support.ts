/** What the AI contract tests share: reading one streamed answer off a socket. */
import type { AiDeltaFrame, AiDoneFrame } from '../../src/contract/extensions.ts';
import type { TestSocket } from './socket.ts';

/** Collects one stream's frames until its `ai.done` (frames of other streams stay queued). */
export async function collectStream(socket: TestSocket, streamId: string): Promise<{ deltas: AiDeltaFrame[]; done: AiDoneFrame }> {
  const deltas: AiDeltaFrame[] = [];
  for (;;) {
    const frame = await socket.next((f) => (f.type === 'ai.delta' || f.type === 'ai.done') && f.streamId === streamId);
    if (frame.type === 'ai.done') return { deltas, done: frame };
    if (frame.type === 'ai.delta') deltas.push(frame);
  }
}
