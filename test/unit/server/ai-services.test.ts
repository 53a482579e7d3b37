/** Bootstrap's `ai_chat` service follows the tenant's AI routing; the `ai` rate-limit bucket reads its env. */
import { describe, expect, it } from 'vitest';
import { defaultRateLimits, rateLimitsFromEnv } from '../../../demo/server/limits/rules.ts';
import { serviceCapabilities } from '../../../demo/server/routes/services.ts';
import type { AiRouting } from '../../../demo/server/store/tenant-settings.ts';
import type { TenantRow } from '../../../demo/server/store/tenants.ts';

function tenant(aiRouting: AiRouting | undefined): TenantRow {
  return {
    id: 'client_x',
    slug: 'x',
    public_key: 'pk_x',
    name: 'X Shop',
    company_name: null,
    email: null,
    timezone: 'UTC',
    is_active: true,
    allowed_origins: [],
    branding: {},
    max_upload_bytes: 1,
    edit_window_seconds: 1,
    pre_chat_form: 'off',
    expected_reply_minutes: null,
    ...(aiRouting ? { ai_routing: aiRouting } : {}),
  };
}

const aiChat = (row?: TenantRow) => serviceCapabilities(row).find((s) => s.key === 'ai_chat');

describe('ai_chat in bootstrap', () => {
  it('is available in ai_first', () => {
    expect(aiChat(tenant('ai_first'))).toMatchObject({ status: 'available', allowed: true });
  });
  it('is turned off by the site in human_only and ai_assisted, saying why', () => {
    expect(aiChat(tenant('human_only'))).toMatchObject({ status: 'disabled_by_admin', allowed: false, reason: expect.stringMatching(/in person/) });
    expect(aiChat(tenant('ai_assisted'))).toMatchObject({ status: 'disabled_by_admin', allowed: false, reason: expect.stringMatching(/suggests replies/) });
  });
  it('says ai_not_ready when the server\'s AI has no articles (the readiness the AI routes use)', () => {
    const row = serviceCapabilities(tenant('ai_first'), { ready: false }).find((s) => s.key === 'ai_chat');
    expect(row).toMatchObject({ status: 'ai_not_ready', allowed: false });
  });
  it('defaults to ai_first for a row without the column, and is not configured without a tenant', () => {
    expect(aiChat(tenant(undefined))?.status).toBe('available');
    expect(aiChat()?.status).toBe('not_configured');
  });
});

describe('the ai rate-limit bucket', () => {
  it('has a default and is configured by RATE_LIMIT_AI_*', () => {
    expect(defaultRateLimits().ai).toEqual({ burst: 10, perMinute: 12 });
    expect(rateLimitsFromEnv({ RATE_LIMIT_AI_BURST: '3' }).ai).toEqual({ burst: 3, perMinute: 12 });
    expect(rateLimitsFromEnv({ RATE_LIMIT_AI_PER_MINUTE: '0' }).ai).toBeNull();
    expect(rateLimitsFromEnv({ RATE_LIMITS: 'off' }).ai).toBeNull();
  });
});
