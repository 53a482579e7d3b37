-- Issue 5, AI chat: the tenant's routing mode and the AI state of visitor conversations.

-- human_only: visitors chat with people only; ai_first: the AI answers first and hands over to a
-- person; ai_assisted: people answer, the AI suggests replies to agents.
ALTER TABLE tenants ADD COLUMN ai_routing text NOT NULL DEFAULT 'ai_first'
  CHECK (ai_routing IN ('human_only', 'ai_first', 'ai_assisted'));

-- A conversation the AI answers (its messages are ordinary messages with sender_type 'ai'),
-- until it is handed off to a person.
CREATE TABLE ai_conversations (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversation_id text NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
  visitor_id text NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'ai' CHECK (status IN ('ai', 'handed_off')),
  handoff_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  handed_off_at timestamptz
);
CREATE INDEX ai_conversations_visitor ON ai_conversations (tenant_id, visitor_id);
