-- Logstag monitoring user for MariaDB 10.5+ (tested on 10.11) and MySQL 8.0+: least privilege, no access to rows.
-- Run as an administrator: mariadb -u root < agent/setup/mysql.sql   (replace the password first; the agent reads it
-- from an env: or file: reference, never from the YAML itself).
-- Lines marked [MariaDB] / [MySQL 8] apply to that server only: delete or comment out the other flavour's lines.

CREATE USER IF NOT EXISTS 'logstag_monitor'@'%' IDENTIFIED BY 'change-me';
-- A monitoring session has no reason to hog the server: cap its connections (the agent uses at most 2).
ALTER USER 'logstag_monitor'@'%' WITH MAX_USER_CONNECTIONS 5;

-- Sessions of every user in the processlist, and InnoDB transactions / lock waits (INNODB_TRX, INNODB_LOCK_WAITS).
GRANT PROCESS ON *.* TO 'logstag_monitor'@'%';
-- [MariaDB 10.5.9+] SHOW REPLICA STATUS; REPLICATION CLIENT there is only an alias of BINLOG MONITOR, which is not enough.
GRANT SLAVE MONITOR ON *.* TO 'logstag_monitor'@'%';
-- [MySQL 8] SHOW REPLICA STATUS.
-- GRANT REPLICATION CLIENT ON *.* TO 'logstag_monitor'@'%';
-- information_schema lists tables, columns and indexes only to accounts with some privilege on them. REFERENCES is one
-- that reads no rows (it allows naming a table in a foreign key, which also needs CREATE or ALTER: not granted) and,
-- unlike SHOW VIEW, makes information_schema.COLUMNS show the columns too.
GRANT REFERENCES ON *.* TO 'logstag_monitor'@'%';
-- Statement digests, index usage, consumers (and on MySQL 8 data_lock_waits): statistics, not application data.
GRANT SELECT ON performance_schema.* TO 'logstag_monitor'@'%';
-- Database- and table-level grants and role memberships. These grant tables hold no password hashes.
GRANT SELECT ON mysql.db TO 'logstag_monitor'@'%';
GRANT SELECT ON mysql.tables_priv TO 'logstag_monitor'@'%';
-- [MariaDB] role memberships.
GRANT SELECT ON mysql.roles_mapping TO 'logstag_monitor'@'%';
-- [MySQL 8] role memberships and dynamic privileges.
-- GRANT SELECT ON mysql.role_edges TO 'logstag_monitor'@'%';
-- GRANT SELECT ON mysql.global_grants TO 'logstag_monitor'@'%';

-- Accounts (plugin, locked, password expiry/lifetime, global privileges), never the password hash.
-- [MariaDB] mysql.global_priv keeps everything, hash included, in one JSON column, so a column grant cannot hide the
-- hash. A definer view extracts the non-secret keys; the monitoring user may read the view and nothing under it.
-- has_password says only whether the account has a password (the hash itself never leaves the view).
CREATE DATABASE IF NOT EXISTS logstag;
CREATE OR REPLACE SQL SECURITY DEFINER VIEW logstag.mariadb_accounts AS SELECT User AS user, Host AS host,
  JSON_VALUE(Priv, '$.plugin') AS plugin, JSON_VALUE(Priv, '$.access') AS access,
  JSON_VALUE(Priv, '$.account_locked') AS account_locked, JSON_VALUE(Priv, '$.password_last_changed') AS password_last_changed,
  JSON_VALUE(Priv, '$.password_lifetime') AS password_lifetime, JSON_VALUE(Priv, '$.is_role') AS is_role,
  JSON_VALUE(Priv, '$.default_role') AS default_role, JSON_VALUE(Priv, '$.max_user_connections') AS max_user_connections,
  JSON_VALUE(Priv, '$.max_statement_time') AS max_statement_time,
  IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') <> '' AS has_password FROM mysql.global_priv;
GRANT SELECT ON logstag.mariadb_accounts TO 'logstag_monitor'@'%';
-- [MySQL 8] the same from mysql.user, column by column (authentication_string is not among them).
-- GRANT SELECT (User, Host, plugin, account_locked, password_expired, password_last_changed, password_lifetime,
--   max_user_connections, Select_priv, Insert_priv, Update_priv, Delete_priv, Create_priv, Drop_priv, Reload_priv,
--   Shutdown_priv, Process_priv, File_priv, Grant_priv, References_priv, Index_priv, Alter_priv, Show_db_priv, Super_priv,
--   Create_tmp_table_priv, Lock_tables_priv, Execute_priv, Repl_slave_priv, Repl_client_priv, Create_view_priv,
--   Show_view_priv, Create_routine_priv, Alter_routine_priv, Create_user_priv, Event_priv, Trigger_priv,
--   Create_tablespace_priv) ON mysql.user TO 'logstag_monitor'@'%';

-- Statement digests need these consumers (on by default on MySQL 8; MariaDB needs performance_schema = ON in my.cnf,
-- which is not dynamic). Persist with performance_schema_consumer_statements_digest = ON in my.cnf.
UPDATE performance_schema.setup_consumers SET ENABLED = 'YES'
  WHERE NAME IN ('global_instrumentation', 'thread_instrumentation', 'statements_digest');
