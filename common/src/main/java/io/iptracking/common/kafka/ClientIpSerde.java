package io.iptracking.common.kafka;

import io.iptracking.common.ip.ClientIp;

/**
 * Key serde of every per-IP topic: the canonical text of a {@link ClientIp} in UTF-8. A public no-arg
 * class, so it can also be named in a Kafka client's {@code key.serializer} setting.
 */
public final class ClientIpSerde extends TextKeySerde<ClientIp> {

    public ClientIpSerde() {
        super("ClientIp", ClientIp::parse);
    }
}
