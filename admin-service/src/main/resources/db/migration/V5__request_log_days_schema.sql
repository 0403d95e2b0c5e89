-- The request log's day partitions: in a schema of their own, created and dropped only through two
-- functions that run as the schema's owner (SECURITY DEFINER, search_path pinned to pg_catalog).
-- PostgreSQL lets only a table's owner add or drop partitions; this way admin's runtime role needs
-- neither that ownership nor the right to create anything in a schema, and a function it could have
-- created can never run as someone else (CVE-2018-1058).
create schema if not exists request_log_days;

do $$
declare
    day_partition regclass;
begin
    for day_partition in
        select c.oid::regclass from pg_catalog.pg_inherits i
            join pg_catalog.pg_class c on c.oid = i.inhrelid
            join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where i.inhparent = 'request_log'::regclass and c.relname like 'request_log_p%' and n.nspname <> 'request_log_days'
    loop
        execute pg_catalog.format('alter table %s set schema request_log_days', day_partition);
    end loop;
end
$$;

-- Adds the partition of one UTC day; false when it exists.
create or replace function request_log_days.add_day(day date) returns boolean
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    name text := 'request_log_p' || to_char(day, 'YYYYMMDD');
begin
    if to_regclass('request_log_days.' || name) is not null then
        return false;
    end if;
    execute format('create table request_log_days.%I partition of %I.request_log for values from (%L) to (%L)', name,
        '${flyway:defaultSchema}', (day::timestamp at time zone 'UTC')::text, ((day + 1)::timestamp at time zone 'UTC')::text);
    return true;
end
$$;

-- Drops the partition of one UTC day, with its rows; false when there is none.
create or replace function request_log_days.drop_day(day date) returns boolean
    language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
    name text := 'request_log_p' || to_char(day, 'YYYYMMDD');
begin
    if to_regclass('request_log_days.' || name) is null then
        return false;
    end if;
    execute format('drop table request_log_days.%I', name);
    return true;
end
$$;

revoke all on function request_log_days.add_day(date), request_log_days.drop_day(date) from public;
