-- Issue 10, several server instances on one database: what an instance must share with the others.

-- One row per running instance; its heartbeat says it is alive. An instance whose heartbeat is
-- stale (killed, frozen, cut off) is reaped by any other: its sockets' rows go with it.
CREATE TABLE cluster_instances (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Every authenticated realtime socket of every instance, so a call's drop grace on one instance
-- sees a party connected to another.
CREATE TABLE cluster_sockets (
  socket_id text PRIMARY KEY,
  instance_id text NOT NULL REFERENCES cluster_instances(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('visitor', 'agent')),
  tenant_id text NOT NULL,
  subject text NOT NULL,
  call_scope text
);
CREATE INDEX cluster_sockets_instance ON cluster_sockets (instance_id);

-- Frames too big or too private for a NOTIFY payload (call signals carry SDP, AI streams carry
-- text): the notification names the row; rows live a minute (realtime is a hint, history is in
-- the tables above, and a client resumes from seq).
CREATE TABLE cluster_frames (
  id bigserial PRIMARY KEY,
  frame text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The agent socket that holds an answered call's signaling (the first console of the agent to
-- signal): set atomically, so two consoles on two instances cannot both hold it.
ALTER TABLE call_sessions ADD COLUMN signal_socket text;
