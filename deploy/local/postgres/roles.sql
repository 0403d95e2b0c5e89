-- admin's database and its two roles, for deploy/local/stack.sh and compose's PostgreSQL init script.
-- Run by psql as a superuser, connected to any database, with the variables db, owner,
-- owner_password, runtime and runtime_password. Run again, it changes nothing but the passwords.
--   owner    owns the schema; admin's migrations (Flyway) run as it (ADMIN_DB_OWNER_USER)
--   runtime  what admin runs as (ADMIN_DB_USER): reads and writes rows, adds and drops the request
--            log's day partitions through two functions that run as the owner (afterMigrate.sql grants
--            it that after each migration); owns nothing, creates nothing; no superuser, no CREATEDB or
--            CREATEROLE, no other database
\set ON_ERROR_STOP on
-- This runs as a superuser: only pg_catalog on the search path, so that no function an ordinary role
-- created can stand in for one called here (CVE-2018-1058).
SET search_path = pg_catalog, pg_temp;
-- The passwords below must not reach the server's log, whatever log_statement says.
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
-- Never demote a superuser (say ADMIN_DB_USER=postgres): stop instead.
SELECT format('DO $refuse$ BEGIN RAISE EXCEPTION %L; END $refuse$',
        'roles.sql: ' || rolname || ' is a superuser; give admin roles of its own (ADMIN_DB_USER, ADMIN_DB_OWNER_USER)')
    FROM pg_roles WHERE rolname IN (:'owner', :'runtime') AND rolsuper \gexec
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'runtime') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'runtime') \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'owner_password';
ALTER ROLE :"runtime" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'runtime_password';
-- The owner may take back what an earlier set-up gave the runtime role (the request log).
GRANT :"runtime" TO :"owner";
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
    WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"runtime";
\connect :"db"
SET search_path = pg_catalog, pg_temp;
-- Tables an earlier set-up made as a superuser pass to the owner.
SELECT format('ALTER TABLE %I.%I OWNER TO %I', schemaname, tablename, :'owner') FROM pg_tables
    WHERE schemaname = 'public' AND tableowner NOT IN (:'owner', :'runtime') \gexec
