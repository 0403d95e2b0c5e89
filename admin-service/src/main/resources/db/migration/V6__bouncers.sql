-- CrowdSec bouncers that enforce the blocklist through the bouncer side of CrowdSec's Local API.
-- Each has its own key (only its SHA-256 is kept) and is sent, on each pull, what changed since the
-- last answer it received in full.
create table bouncer (
    id          bigint generated always as identity primary key,
    name        text        not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    key_sha256  bytea       not null unique check (length(key_sha256) = 32),
    created_at  timestamptz not null,
    created_by  text        not null,
    revoked_at  timestamptz,
    last_pull_at timestamptz
);
create unique index bouncer_one_live_per_name on bouncer (name) where revoked_at is null;

-- What each bouncer holds: the decisions of the last answer written to it (its cursor), per address
-- it pulls from (several instances may share one key, as CrowdSec allows). A pull sends the difference
-- to what the lists say now, and replaces these rows only once the answer was written.
create table bouncer_decision (
    bouncer_id  bigint      not null references bouncer (id) on delete cascade,
    client      inet        not null,
    value       cidr        not null,
    decision_id bigint      not null,
    until       timestamptz not null,
    scenario    text        not null,
    primary key (bouncer_id, client, value)
);
