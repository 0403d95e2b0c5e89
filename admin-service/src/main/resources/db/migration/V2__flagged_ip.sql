-- Every flag detection published (ip.flagged.v1), kept as history per IP. Flags name a full IP:
-- they are security records about that address, erased with it and expired by retention.
create table flagged_ip (
    flag_id       uuid primary key,
    ip            inet             not null,
    rule          text             not null,
    reason        text             not null,
    severity      text             not null,
    score         double precision not null,
    window_start  timestamptz      not null,
    window_end    timestamptz      not null,
    request_count bigint           not null,
    evidence      jsonb            not null,
    geo           jsonb            not null,
    detected_at   timestamptz      not null,
    received_at   timestamptz      not null
);
create index flagged_ip_ip on flagged_ip (ip, detected_at desc);
create index flagged_ip_detected_at on flagged_ip (detected_at desc);
