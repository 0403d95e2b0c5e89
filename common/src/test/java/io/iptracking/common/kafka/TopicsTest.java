package io.iptracking.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.RequestEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicsTest {

    private static final String SEVEN_DAYS_MS = "604800000";

    /** The one place besides {@link Topics} that spells the names: a rename breaks consumers outside. */
    @Test
    void theCatalogueMatchesTheArchitecture() {
        assertThat(Topics.REQUESTS.name()).isEqualTo("ip.requests.v1");
        assertThat(Topics.ENRICHED_REQUESTS.name()).isEqualTo("ip.requests.enriched.v1");
        assertThat(Topics.FLAGGED.name()).isEqualTo("ip.flagged.v1");
        assertThat(Topics.BLOCKLIST.name()).isEqualTo("ip.blocklist.v1");
        assertThat(Topics.REQUESTS_DLQ.name()).isEqualTo("ip.requests.dlq.v1");
        assertThat(Topics.ERASURES.name()).isEqualTo("ip.erasures.v1");

        assertThat(Topics.REQUESTS.configs()).isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS));
        assertThat(Topics.ENRICHED_REQUESTS.configs())
                .isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS));
        assertThat(Topics.FLAGGED.configs()).isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", "2592000000"));
        assertThat(Topics.REQUESTS_DLQ.configs())
                .isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS));
        assertThat(Topics.ERASURES.configs()).as("a record names the IP it erases")
                .isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", "86400000"));
        assertThat(Topics.BLOCKLIST.configs()).isEqualTo(Map.of(
                "cleanup.policy", "compact",
                "delete.retention.ms", SEVEN_DAYS_MS,
                "min.compaction.lag.ms", "3600000",
                "max.compaction.lag.ms", "86400000"));

        assertThat(List.of(Topics.REQUESTS, Topics.ENRICHED_REQUESTS, Topics.FLAGGED, Topics.REQUESTS_DLQ, Topics.ERASURES))
                .allSatisfy(t -> assertThat(t.partitions()).isEqualTo(6));
        assertThat(Topics.BLOCKLIST.partitions()).isEqualTo(1);
    }

    @Test
    void valuesUseTheContractTypes() {
        assertThat(((JsonSerde<?>) Topics.REQUESTS.valueSerde()).type()).isEqualTo(RequestEvent.class);
        assertThat(((JsonSerde<?>) Topics.ENRICHED_REQUESTS.valueSerde()).type()).isEqualTo(EnrichedRequestEvent.class);
        assertThat(((JsonSerde<?>) Topics.FLAGGED.valueSerde()).type()).isEqualTo(FlaggedIp.class);
        assertThat(((JsonSerde<?>) Topics.BLOCKLIST.valueSerde()).type()).isEqualTo(ListEntry.class);
        assertThat(Topics.BLOCKLIST.keySerde()).isInstanceOf(CidrSerde.class);
        assertThat(Topics.FLAGGED.keySerde()).isInstanceOf(ClientIpSerde.class);
        assertThat(((JsonSerde<?>) Topics.ERASURES.valueSerde()).type()).isEqualTo(ErasureRequest.class);
        assertThat(Topics.ERASURES.keySerde()).as("keyed like the requests, to reach the same task")
                .isSameAs(Topics.ENRICHED_REQUESTS.keySerde());
        assertThat(Topics.REQUESTS_DLQ.valueSerde().getClass()).isEqualTo(Serdes.ByteArray().getClass());
    }

    @Test
    void allListsEveryConstantOnceWithDistinctNames() throws IllegalAccessException {
        List<Topic<?, ?>> constants = new ArrayList<>();
        for (Field f : Topics.class.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && f.getType() == Topic.class) {
                constants.add((Topic<?, ?>) f.get(null));
            }
        }
        assertThat(constants).hasSize(7);
        assertThat(Topics.all()).containsExactlyInAnyOrderElementsOf(constants);
        assertThat(Topics.all().stream().map(Topic::name).distinct()).hasSize(Topics.all().size());
    }

    @Test
    void newTopicCarriesPartitionsReplicationAndConfigs() {
        NewTopic topic = Topics.BLOCKLIST.newTopic(3);
        assertThat(topic.name()).isEqualTo(Topics.BLOCKLIST.name());
        assertThat(topic.numPartitions()).isEqualTo(1);
        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs()).isEqualTo(Topics.BLOCKLIST.configs());

        assertThatThrownBy(() -> Topics.FLAGGED.newTopic(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replication factor must be between 1 and 32767, was 0");
    }

    @Test
    void settingsRejectWhatKafkaWouldRefuseOrIgnore() {
        assertThatThrownBy(() -> TopicSettings.delete(0, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions must be at least 1, was 0");
        assertThatThrownBy(() -> TopicSettings.delete(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retention must be positive, was PT0S");
        assertThatThrownBy(() -> TopicSettings.compact(1, Duration.ofDays(1), Duration.ofHours(2), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxCompactionLag PT1H must not be shorter than minCompactionLag PT2H");
        assertThatThrownBy(() -> new Topic<>("ip requests", Serdes.String(), Serdes.String(), TopicSettings.delete(1, Duration.ofDays(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'ip requests' is not a legal Kafka topic name");
    }

    @Test
    void configsKeepAStableOrderAndCannotBeChanged() {
        assertThat(Topics.BLOCKLIST.configs().keySet()).containsExactly(
                "cleanup.policy", "delete.retention.ms", "min.compaction.lag.ms", "max.compaction.lag.ms");
        assertThatThrownBy(() -> Topics.FLAGGED.configs().put("retention.ms", "1"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aTopicPrintsAsItsName() {
        assertThat(Topics.FLAGGED).hasToString(Topics.FLAGGED.name());
    }
}
