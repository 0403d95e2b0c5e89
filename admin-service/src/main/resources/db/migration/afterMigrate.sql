-- Runs after every migration run (a Flyway callback), as the user Flyway connects with. When admin
-- runs as another role than the one that owns the schema (ADMIN_DB_USER and ADMIN_DB_OWNER_USER, the
-- least-privilege set-up of deploy/local/stack.sh and compose), that role gets what it needs and no
-- more: reading and writing the rows, and owning the request log, whose daily partitions it creates
-- and drops (PostgreSQL lets only a table's owner do that). It may not change any other table, nor
-- the migration history. With one user for both, this does nothing.
DO $$
DECLARE
    runtime text := '${runtime_role}';
    partition regclass;
BEGIN
    IF runtime = '' OR runtime = current_user OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = runtime) THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), runtime);
    EXECUTE format('REVOKE ALL ON TABLE %I.flyway_schema_history FROM %I', current_schema(), runtime);
    EXECUTE format('ALTER TABLE request_log OWNER TO %I', runtime);
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'request_log'::regclass LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO %I', partition, runtime);
    END LOOP;
END
$$;
