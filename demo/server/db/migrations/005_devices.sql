-- Issue 7, push tokens of mobile shells (extensions.md §16).

-- One row per token and visitor: a token names an app install, and every visitor who registered
-- it on that install keeps their own row (their history; DELETE disables, never deletes). At most
-- ONE of a token's rows is enabled (the last visitor to register it gets its pushes), and at most
-- one token per install (deviceId) and provider: the partial unique indexes keep both true even
-- when two registrations race (the store also takes advisory locks so they wait, not fail).
CREATE TABLE device_push_tokens (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  visitor_id text NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  platform text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('fcm', 'apns', 'apns_voip')),
  token text NOT NULL,
  device_id text,
  app_id text,
  audience text NOT NULL DEFAULT 'visitor',
  external_id text,
  call_mode text NOT NULL DEFAULT 'basic',
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled boolean NOT NULL DEFAULT true,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX device_push_tokens_token_visitor ON device_push_tokens (tenant_id, provider, token, visitor_id);
CREATE UNIQUE INDEX device_push_tokens_token_enabled ON device_push_tokens (tenant_id, provider, token) WHERE enabled;
CREATE UNIQUE INDEX device_push_tokens_device_enabled ON device_push_tokens (tenant_id, provider, device_id)
  WHERE enabled AND device_id IS NOT NULL;
CREATE INDEX device_push_tokens_visitor ON device_push_tokens (tenant_id, visitor_id, device_id);
CREATE INDEX device_push_tokens_device ON device_push_tokens (tenant_id, device_id) WHERE device_id IS NOT NULL;
