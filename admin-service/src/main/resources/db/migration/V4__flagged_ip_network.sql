-- The client network a rule counted (FlaggedIp.network, an IPv6 /64 say); null when it counted the
-- single address. cidr like list_entry's, so an automatic block of it is the same value.
alter table flagged_ip add column network cidr check (network is null or network >>= ip);
