package io.iptracking.detection.stream;

import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.window.IpActivity;
import java.util.function.BiConsumer;

/** Where the {@link DetectionEngine} keeps each IP's activity: a Kafka Streams store, or a map in a replay. */
public interface ActivityStore {

    /** The IP's activity, or null. */
    IpActivity get(ClientIp ip);

    void put(ClientIp ip, IpActivity activity);

    void delete(ClientIp ip);

    /** Visits every IP; the visitor must not change the store (collect changes and apply them after). */
    void forEach(BiConsumer<ClientIp, IpActivity> visitor);
}
