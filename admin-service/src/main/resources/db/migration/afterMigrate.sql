-- Runs after every migration run (a Flyway callback), as the user Flyway connects with. When admin
-- runs as another role than the one that owns the schema (ADMIN_DB_USER and ADMIN_DB_OWNER_USER, the
-- least-privilege set-up of deploy/local/stack.sh and compose), that role gets what it needs and no
-- more: reading and writing the rows (not the migration history), and adding and dropping the
-- request log's day partitions through the two functions made for it. It owns nothing and may
-- create nothing. With one user for both, this does nothing.
DO $$
DECLARE
    runtime text := '${runtime_role}';
    app_schema text := pg_catalog.current_schema();
    day_partition regclass;
BEGIN
    -- Only pg_catalog while this runs as the owner: nothing another role made can stand in for a
    -- function called here.
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    IF runtime = '' OR runtime = current_user OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = runtime) THEN
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM %I', app_schema, runtime);
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I, request_log_days TO %I', app_schema, runtime);
    EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA request_log_days FROM %I', runtime);
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', app_schema, runtime);
    EXECUTE pg_catalog.format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', app_schema, runtime);
    EXECUTE pg_catalog.format('REVOKE ALL ON TABLE %I.flyway_schema_history FROM %I', app_schema, runtime);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION request_log_days.add_day(date), request_log_days.drop_day(date) TO %I',
        runtime);
    -- The owner owns the request log and its partitions (an earlier set-up gave them to the runtime role).
    EXECUTE pg_catalog.format('ALTER TABLE %I.request_log OWNER TO %I', app_schema, current_user);
    FOR day_partition IN SELECT inhrelid::regclass FROM pg_catalog.pg_inherits
            WHERE inhparent = pg_catalog.format('%I.request_log', app_schema)::regclass LOOP
        EXECUTE pg_catalog.format('ALTER TABLE %s OWNER TO %I', day_partition, current_user);
    END LOOP;
END
$$;
