-- Logstag agent: least-privilege monitoring role for PostgreSQL 12+.
-- Run as a superuser (or a role with CREATEROLE), e.g.:  psql -v password="'a-long-random-secret'" -f postgresql.sql
-- The agent opens at most two sessions, each read-only (default_transaction_read_only = on) with
-- statement_timeout = 5s and lock_timeout = 1s, and never selects from application tables.

-- A login role of its own, so its sessions are easy to recognise (application_name 'logstag-agent'), limit and revoke.
-- CONNECTION LIMIT 5: the agent needs 2; the margin covers a check run and a collection overlapping a restart.
CREATE ROLE logstag_monitor LOGIN PASSWORD :password CONNECTION LIMIT 5;

-- pg_monitor (built in since PostgreSQL 10) bundles pg_read_all_settings, pg_read_all_stats and pg_stat_scan_tables:
-- other sessions' queries in pg_stat_activity, pg_stat_statements for every user, replication and WAL statistics,
-- all settings. It grants no access to table contents.
GRANT pg_monitor TO logstag_monitor;

-- Per-query statistics. The library must already be loaded at server start:
--   ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';   -- then restart PostgreSQL
-- (append to the existing list if shared_preload_libraries is not empty). The extension is per database: run this in
-- the database the agent connects to (the target's `database`, default postgres).
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

-- CONNECT is granted to PUBLIC by default. Where it has been revoked, the schema and vacuum collectors need it on
-- every monitored database (repeat per database):
--   GRANT CONNECT ON DATABASE appdb TO logstag_monitor;

-- Optional, per database: sequence headroom (percent of the sequence already used) needs to read each sequence's
-- last value, which pg_monitor does not grant. SELECT on a sequence reveals only its counter, never table rows;
-- without it the schema payload lists sequences with last_value null. Run in each monitored database, e.g.:
--   GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO logstag_monitor;
--   ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON SEQUENCES TO logstag_monitor;  -- as the owner of new ones
