-- One row per request seen by the edge (ip.requests.enriched.v1). client is the client IP
-- truncated per the privacy settings (a /24 or /48 by default; a /32 or /128 when kept whole).
-- Partitioned by day so that retention drops whole partitions instead of deleting rows; rows
-- outside every day partition (very late or future timestamps) land in the default partition.
create table request_log (
    ts           timestamptz not null,
    event_id     uuid        not null,
    client       cidr        not null,
    method       text        not null,
    host         text,
    path         text        not null,
    status       smallint,
    latency_ms   bigint,
    user_agent   text,
    subject      text,
    decision     text        not null,
    rule         text,
    mode         text        not null,
    country_code text,
    asn          bigint,
    sensitive    boolean     not null,
    -- The consumer is at-least-once: a redelivered event is dropped by this key.
    primary key (ts, event_id)
) partition by range (ts);
create table request_log_default partition of request_log default;
create index request_log_client on request_log (client, ts);
create index request_log_sensitive on request_log (ts) where sensitive;

-- Requests per hour, country, decision and sensitivity: no IP, so it is not personal data,
-- outlives the log, and needs nothing erased.
create table request_hourly (
    hour         timestamptz not null,
    country_code text        not null,
    decision     text        not null,
    sensitive    boolean     not null,
    requests     bigint      not null,
    primary key (hour, country_code, decision, sensitive)
);
