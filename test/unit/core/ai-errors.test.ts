import { afterEach, describe, expect, it } from 'vitest';
import { isRuntimeError, type Runtime } from '../../../src/index.ts';
import { useTestServer } from '../../helpers/server.ts';
import { startVisitor } from './visitor.ts';

const codeOf = (e: unknown) => (isRuntimeError(e) ? e.code : e);

describe('the AI chat where the tenant does not let the AI answer visitors', () => {
  const server = useTestServer({ log: false, tenantSettings: { aiRouting: 'human_only' } });
  const runtimes: Runtime[] = [];
  afterEach(() => runtimes.splice(0).forEach((r) => r.destroy()));

  it('reads the routing, and every question, handoff and search fails with FEATURE_NOT_AVAILABLE', async () => {
    const { runtime } = await startVisitor(server);
    runtimes.push(runtime);
    const ai = await runtime.ai();
    expect(ai.routing.value).toMatchObject({ mode: 'human_only', canUseAi: false });
    expect(codeOf(await ai.ask('How long does delivery take?').catch((e: unknown) => e))).toBe('FEATURE_NOT_AVAILABLE');
    expect(codeOf(await ai.handoff().catch((e: unknown) => e))).toBe('FEATURE_NOT_AVAILABLE');
    expect(codeOf(await ai.search('delivery').catch((e: unknown) => e))).toBe('FEATURE_NOT_AVAILABLE');
    // Nothing was opened: the visitor still has no conversation.
    expect(runtime.conversation.id.value).toBeNull();
  });
});

describe('the AI chat with no knowledge articles', () => {
  const server = useTestServer({ log: false, knowledgeDir: '/nonexistent-knowledge' });
  const runtimes: Runtime[] = [];
  afterEach(() => runtimes.splice(0).forEach((r) => r.destroy()));

  it('says AI_NOT_READY when asked', async () => {
    const { runtime } = await startVisitor(server);
    runtimes.push(runtime);
    const ai = await runtime.ai();
    expect(ai.routing.value?.canUseAi).toBe(false);
    expect(codeOf(await ai.ask('How long does delivery take?').catch((e: unknown) => e))).toBe('AI_NOT_READY');
  });
});

describe('the AI chat’s rate limit', () => {
  const server = useTestServer({ log: false, rateLimits: { ai: { burst: 1, perMinute: 60 } } });
  const runtimes: Runtime[] = [];
  afterEach(() => runtimes.splice(0).forEach((r) => r.destroy()));

  it('tells the visitor RATE_LIMITED with the wait, then asks again by itself with the same question', async () => {
    const { runtime } = await startVisitor(server);
    runtimes.push(runtime);
    const errors: unknown[] = [];
    runtime.on('error', (e) => errors.push(e));
    const ai = await runtime.ai();
    await ai.ask('How long does delivery take?');
    const second = await ai.ask('How much does delivery cost?');
    expect(errors.map(codeOf)).toContain('RATE_LIMITED');
    expect(second.text).not.toBe('');
    // Asked once: the retry carried the same clientMessageId.
    const questions = runtime.conversation.messages.value.filter((m) => m.body === 'How much does delivery cost?');
    expect(questions).toHaveLength(1);
  });
});
