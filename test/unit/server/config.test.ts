import { describe, expect, it } from 'vitest';
import { readEnvConfig } from '../../../demo/server/config.ts';

describe('demo tenant settings from the environment', () => {
  it('sets who answers first with DEMO_AI_ROUTING, and leaves the default otherwise', () => {
    expect(readEnvConfig({ DEMO_AI_ROUTING: 'human_only' }).demoTenantSettings.aiRouting).toBe('human_only');
    expect(readEnvConfig({ DEMO_AI_ROUTING: 'ai_assisted' }).demoTenantSettings.aiRouting).toBe('ai_assisted');
    expect(readEnvConfig({}).demoTenantSettings.aiRouting).toBeUndefined();
  });

  it('refuses a mode it does not know, naming the variable and the modes', () => {
    expect(() => readEnvConfig({ DEMO_AI_ROUTING: 'robots' })).toThrow('DEMO_AI_ROUTING must be one of human_only, ai_first, ai_assisted, got "robots"');
  });
});
