-- Issue 7, push tokens of mobile shells (extensions.md §16): one row per push token.

-- A token belongs to one visitor at a time: it names an app install, so when another visitor
-- registers it (sign-out and sign-in on a shared phone) the row moves to them. Disabling keeps
-- the row (enabled = false): the history of a device is kept, and a later register enables it.
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
CREATE UNIQUE INDEX device_push_tokens_token ON device_push_tokens (tenant_id, provider, token);
CREATE INDEX device_push_tokens_visitor ON device_push_tokens (tenant_id, visitor_id, device_id);
