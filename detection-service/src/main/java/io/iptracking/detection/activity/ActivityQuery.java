package io.iptracking.detection.activity;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.stream.DetectionTopology;
import io.iptracking.detection.window.ClientWindow;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive query of the client store: answers from the local store when this instance holds the
 * partition of the IP's client, and otherwise says which instance does (Kafka Streams knows every
 * instance's {@code application.server}).
 */
public final class ActivityQuery {

    private final Supplier<KafkaStreams> application;
    private final HostInfo self;
    private final DetectionProperties properties;

    /** @param application the running application; null before it started */
    public ActivityQuery(Supplier<KafkaStreams> application, String applicationServer, DetectionProperties properties) {
        this.application = application;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
        this.properties = properties;
    }

    public ActivityLookup lookup(ClientIp ip) {
        KafkaStreams streams = application.get();
        if (streams == null) {
            return new ActivityLookup.Unavailable("detection is not running yet");
        }
        KeyQueryMetadata owner;
        try {
            // The partition is the request events' key's: the client network they are keyed by.
            owner = streams.queryMetadataForKey(DetectionTopology.CLIENT_STORE, ClientNetwork.keyOf(ip),
                    Topics.ENRICHED_REQUESTS.keySerde().serializer());
        } catch (IllegalStateException e) {
            return new ActivityLookup.Unavailable("detection is not running: " + streams.state());
        }
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new ActivityLookup.Unavailable("partition assignment in progress (" + streams.state() + ")");
        }
        HostInfo active = owner.activeHost();
        if (!active.equals(self)) {
            return new ActivityLookup.Elsewhere(active.host(), active.port());
        }
        Cidr client = ClientNetwork.of(ip, properties.network().ipv4Prefix(), properties.network().ipv6Prefix());
        ClientWindow window;
        try {
            ReadOnlyKeyValueStore<Cidr, ClientWindow> store = streams.store(StoreQueryParameters.fromNameAndType(
                    DetectionTopology.CLIENT_STORE, QueryableStoreTypes.<Cidr, ClientWindow>keyValueStore())
                    .withPartition(owner.partition()));
            window = store.get(client);
        } catch (InvalidStateStoreException e) {
            return new ActivityLookup.Unavailable("the store is migrating: " + e.getMessage());
        }
        String servedBy = self.host() + ":" + self.port();
        if (window == null || window.lastSeen() == Long.MIN_VALUE) {
            return new ActivityLookup.Unknown(servedBy);
        }
        return new ActivityLookup.Found(ActivityView.of(ip, client, window, properties.window().buckets(), servedBy));
    }
}
