package io.iptracking.detection.activity;

import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.rules.Detector;
import io.iptracking.detection.stream.DetectionTopology;
import io.iptracking.detection.window.IpActivity;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive query of the activity store: answers from the local store when this instance holds the
 * IP's partition, and otherwise says which instance does (Kafka Streams knows every instance's
 * {@code application.server}).
 */
public final class ActivityQuery {

    private final Supplier<KafkaStreams> application;
    private final HostInfo self;
    private final Detector detector;

    /** @param application the running application; null before it started */
    public ActivityQuery(Supplier<KafkaStreams> application, String applicationServer, Detector detector) {
        this.application = application;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
        this.detector = detector;
    }

    public ActivityLookup lookup(ClientIp ip) {
        KafkaStreams streams = application.get();
        if (streams == null) {
            return new ActivityLookup.Unavailable("detection is not running yet");
        }
        KeyQueryMetadata owner;
        try {
            owner = streams.queryMetadataForKey(DetectionTopology.ACTIVITY_STORE, ip,
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
        IpActivity activity;
        try {
            ReadOnlyKeyValueStore<ClientIp, IpActivity> store = streams.store(StoreQueryParameters.fromNameAndType(
                    DetectionTopology.ACTIVITY_STORE, QueryableStoreTypes.<ClientIp, IpActivity>keyValueStore())
                    .withPartition(owner.partition()));
            activity = store.get(ip);
        } catch (InvalidStateStoreException e) {
            return new ActivityLookup.Unavailable("the store is migrating: " + e.getMessage());
        }
        String servedBy = self.host() + ":" + self.port();
        if (activity == null || activity.size() == 0 && activity.quietUntil().isEmpty()) {
            return new ActivityLookup.Unknown(servedBy);
        }
        return new ActivityLookup.Found(ActivityView.of(ip, activity, detector, servedBy));
    }
}
