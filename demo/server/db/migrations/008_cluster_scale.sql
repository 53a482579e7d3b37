-- An instance reaped while still alive (a stalled heartbeat) rejoins in the next epoch: the
-- others then believe its new presence events and keep disbelieving its older ones.
ALTER TABLE cluster_instances ADD COLUMN epoch integer NOT NULL DEFAULT 0;

-- Every instance deletes old stored frames every 30 s: by index, not a scan of the table.
CREATE INDEX cluster_frames_created_at ON cluster_frames (created_at);
