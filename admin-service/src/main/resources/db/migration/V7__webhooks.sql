-- Webhooks (Standard Webhooks): endpoints operators register, the events to tell them, and each
-- event's delivery to each endpoint, retried until it is delivered or its time is up (then dead).

-- An endpoint and the event types it wants. The secret signs every delivery (HMAC-SHA256), so it is
-- kept as given out: whsec_ and the base64 of its key; a deleted endpoint's is overwritten. A deleted
-- endpoint stays as the history of its deliveries until they go with retention.
create table webhook_endpoint (
    id          bigint generated always as identity primary key,
    url         text        not null check (length(url) between 1 and 2048),
    event_types text[]      not null check (cardinality(event_types) between 1 and 3),
    secret      text        not null check (secret like 'whsec_%'),
    description text        not null default '' check (length(description) <= 200),
    created_at  timestamptz not null,
    created_by  text        not null,
    deleted_at  timestamptz
);

-- One event: its id is the webhook-id header, the same for every endpoint and every attempt, and its
-- payload is the body each endpoint receives, byte for byte.
create table webhook_message (
    id         text        primary key check (id ~ '^msg_[0-9a-f-]{36}$'),
    event_type text        not null,
    payload    text        not null,
    created_at timestamptz not null
);
create index webhook_message_created on webhook_message (created_at);

-- One message to one endpoint. PENDING until an attempt gets a 2xx (DELIVERED) or the retries end
-- (DEAD, kept and shown by the API, and retried on request). retry_from is when its retries began:
-- the message's creation, or the operator's request to retry a dead delivery.
create table webhook_delivery (
    id              bigint generated always as identity primary key,
    message_id      text        not null references webhook_message (id) on delete cascade,
    endpoint_id     bigint      not null references webhook_endpoint (id) on delete cascade,
    status          text        not null check (status in ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        int         not null default 0,
    retry_from      timestamptz not null,
    next_attempt_at timestamptz,
    last_attempt_at timestamptz,
    last_status     int,
    last_error      text check (length(last_error) <= 500),
    delivered_at    timestamptz,
    unique (message_id, endpoint_id)
);
-- The dispatcher takes the due deliveries of each endpoint in turn, and waits for the next one due.
create index webhook_delivery_due on webhook_delivery (endpoint_id, next_attempt_at) where status = 'PENDING';
create index webhook_delivery_next on webhook_delivery (next_attempt_at) where status = 'PENDING';
create index webhook_delivery_by_endpoint on webhook_delivery (endpoint_id, status, id desc);
