-- Issue 6, voice and video calls (extensions.md §15): which calls a tenant allows, and the calls.

-- Both on by default: the demo tenant offers calls; a deployment turns them off per tenant.
ALTER TABLE tenants ADD COLUMN calls_voice boolean NOT NULL DEFAULT true;
ALTER TABLE tenants ADD COLUMN calls_video boolean NOT NULL DEFAULT true;

-- One row per call. Media never touches the server: this is the call's state only.
CREATE TABLE call_sessions (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  visitor_id text NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('audio', 'video')),
  direction text NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound')),
  status text NOT NULL DEFAULT 'started' CHECK (status IN ('started', 'answered', 'ended', 'missed', 'failed')),
  started_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  ended_at timestamptz,
  duration_seconds integer,
  end_reason text,
  agent_id text REFERENCES agents(id) ON DELETE SET NULL,
  ended_by text CHECK (ended_by IN ('visitor', 'agent', 'server')),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- When a ringing call becomes missed (no_answer); kept so a restart can honour it.
  ring_deadline timestamptz NOT NULL
);
-- At most one live call per conversation: a second create races into this, not past it.
CREATE UNIQUE INDEX call_sessions_live ON call_sessions (conversation_id) WHERE status IN ('started', 'answered');
CREATE INDEX call_sessions_tenant_status ON call_sessions (tenant_id, status);
