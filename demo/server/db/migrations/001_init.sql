-- Initial schema of the reference server: tenants, keys, agents, visitors, conversations,
-- messages and assignments. Timestamps are timestamptz; JSON is jsonb.

CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE tenants (
  id text PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  public_key text NOT NULL UNIQUE,
  name text NOT NULL,
  company_name text,
  email text,
  timezone text NOT NULL DEFAULT 'UTC',
  is_active boolean NOT NULL DEFAULT true,
  allowed_origins jsonb NOT NULL DEFAULT '[]',
  branding jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Secret Server API keys, stored as SHA-256 of the key.
CREATE TABLE server_api_keys (
  key_hash text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  label text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  username text NOT NULL,
  name text NOT NULL,
  role text NOT NULL DEFAULT 'agent',
  password_hash text,
  presence text NOT NULL DEFAULT 'offline' CHECK (presence IN ('available', 'busy', 'offline')),
  last_activity_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, username)
);

-- Anonymous visitors; the credential (kept on the visitor's device) is stored as SHA-256.
CREATE TABLE visitors (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  credential_hash text NOT NULL UNIQUE,
  external_id text,
  name text,
  email text,
  phone text,
  verified boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE conversation_number_seq START 1001;
-- Orders the agent inbox by latest activity; a sequence, not a timestamp, so cursors are exact.
CREATE SEQUENCE activity_seq;

CREATE TABLE conversations (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  visitor_id text NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  number bigint NOT NULL DEFAULT nextval('conversation_number_seq'),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  subject text,
  assigned_agent_id text REFERENCES agents(id) ON DELETE SET NULL,
  last_seq integer NOT NULL DEFAULT 0,
  last_message_at timestamptz,
  last_message_preview text,
  activity bigint NOT NULL DEFAULT nextval('activity_seq'),
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
-- At most one open conversation per visitor, also when two requests race to create it.
CREATE UNIQUE INDEX conversations_one_open_per_visitor ON conversations (visitor_id) WHERE status = 'open';
CREATE INDEX conversations_inbox ON conversations (tenant_id, activity DESC);

CREATE TABLE messages (
  id text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 1),
  client_message_id text,
  sender_type text NOT NULL CHECK (sender_type IN ('visitor', 'agent', 'system', 'ai')),
  sender_id text,
  sender_name text,
  body text NOT NULL,
  message_type text NOT NULL DEFAULT 'text',
  metadata jsonb,
  sent_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq),
  -- Idempotent sends: a repeated clientMessageId in a conversation is the same message.
  UNIQUE (conversation_id, client_message_id)
);

CREATE TABLE assignments (
  id text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  assigned_agent_id text,
  assigned_department_id text,
  assigned_by_agent_id text,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
