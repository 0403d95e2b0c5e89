package io.iptracking.common.kafka;

import io.iptracking.common.ip.Cidr;

/**
 * Key serde of the blocklist topic: the canonical text of a {@link Cidr} in UTF-8, always with the
 * prefix length. Compaction keeps one entry per key, so a range must have exactly one spelling.
 */
public final class CidrSerde extends TextKeySerde<Cidr> {

    public CidrSerde() {
        super("Cidr", Cidr::parse);
    }
}
