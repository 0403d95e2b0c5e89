-- Block and allow entries: the system of record behind the compacted topic ip.blocklist.v1.
-- An entry stays as history after it expires (expired = true once its tombstone is queued);
-- a deleted entry is removed, and the audit log keeps what it was.
create table list_entry (
    id         bigint generated always as identity primary key,
    cidr       cidr        not null,
    action     text        not null check (action in ('BLOCK', 'ALLOW')),
    reason     text        not null check (length(reason) between 1 and 500),
    source     text        not null check (source in ('MANUAL', 'AUTO', 'CLI')),
    created_by text        not null,
    created_at timestamptz not null,
    expires_at timestamptz check (expires_at is null or expires_at > created_at),
    expired    boolean     not null default false
);
-- The topic is keyed by CIDR: one live entry per CIDR, block or allow.
create unique index list_entry_one_live_per_cidr on list_entry (cidr) where not expired;
-- "Which entries contain this IP" (>>=) for the lookup and the list filter.
create index list_entry_cidr_contains on list_entry using gist (cidr inet_ops);
create index list_entry_due on list_entry (expires_at) where not expired and expires_at is not null;

-- Changes to publish, written in the same transaction as the change (transactional outbox).
-- value is the ListEntry JSON of the topic; null is a tombstone.
create table blocklist_outbox (
    id         bigint generated always as identity primary key,
    cidr       cidr        not null,
    value      text,
    created_at timestamptz not null
);

-- Who changed what, when, and what it was before and after.
create table audit_log (
    id      bigint generated always as identity primary key,
    at      timestamptz not null,
    actor   text        not null,
    action  text        not null,
    subject text        not null,
    before  jsonb,
    after   jsonb
);
create index audit_log_at on audit_log (at desc);
create index audit_log_subject on audit_log (subject);
