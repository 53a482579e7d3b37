-- Issue 10: rate-limit buckets every instance takes from (extensions.md §13), when the server runs on
-- PostgreSQL: behind a balancer a client gets the limit once, not once per instance. Units as in
-- the in-memory store (one request = 60000), `at_ms` the last refill, `allowed` the last take's outcome.
CREATE TABLE rate_limit_buckets (
  key text PRIMARY KEY,
  units bigint NOT NULL,
  at_ms bigint NOT NULL,
  allowed boolean NOT NULL
);
