-- Issue 3, complete visitor messaging: tenant settings, edits, deletes and receipts on
-- messages, and uploaded attachments.

-- Per-tenant settings (defaults are the documented ones: 10 MB uploads, a 15 minute edit window).
ALTER TABLE tenants ADD COLUMN max_upload_bytes integer NOT NULL DEFAULT 10485760 CHECK (max_upload_bytes > 0);
ALTER TABLE tenants ADD COLUMN edit_window_seconds integer NOT NULL DEFAULT 900 CHECK (edit_window_seconds >= 0);
ALTER TABLE tenants ADD COLUMN pre_chat_form text NOT NULL DEFAULT 'off' CHECK (pre_chat_form IN ('off', 'optional', 'required'));
ALTER TABLE tenants ADD COLUMN expected_reply_minutes integer CHECK (expected_reply_minutes > 0);

ALTER TABLE messages ADD COLUMN edited_at timestamptz;
-- A deleted message keeps its row (and seq); its body and metadata are never shown again.
ALTER TABLE messages ADD COLUMN deleted_at timestamptz;
ALTER TABLE messages ADD COLUMN delivered_at timestamptz;
ALTER TABLE messages ADD COLUMN read_at timestamptz;

-- One row per stored file; the bytes live in the upload folder under `storage_key`.
CREATE TABLE attachments (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  uploader_type text NOT NULL CHECK (uploader_type IN ('visitor', 'agent')),
  uploader_id text NOT NULL,
  name text NOT NULL,
  content_type text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('image', 'audio', 'video', 'document')),
  size integer NOT NULL CHECK (size > 0),
  storage_key text NOT NULL UNIQUE,
  -- Set when a message uses it; one attachment belongs to at most one message.
  message_id text UNIQUE REFERENCES messages(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX attachments_conversation ON attachments (conversation_id);
