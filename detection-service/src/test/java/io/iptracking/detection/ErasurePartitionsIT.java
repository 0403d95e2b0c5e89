package io.iptracking.detection;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.kafka.core.KafkaAdmin;

/** Detection's start-up check that erasures reach the task holding the client's window. */
class ErasurePartitionsIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    @Test
    void erasuresAndRequestsWithDifferentPartitionCountsStopStartUpWithWhatToDo() {
        KafkaAdmin admin = new KafkaAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
        assertThatCode(() -> DetectionConfiguration.checkCoPartitioned(admin)).as("neither topic exists yet")
                .doesNotThrowAnyException();

        KAFKA.createTopic(Topics.ENRICHED_REQUESTS.name(), 6);
        KAFKA.createTopic(Topics.ERASURES.name(), 3);

        assertThatThrownBy(() -> DetectionConfiguration.checkCoPartitioned(admin)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ip.erasures.v1 has 3 partitions and ip.requests.enriched.v1 6")
                .hasMessageContaining("--partitions 6");

        admin.createOrModifyTopics(Topics.ERASURES.newTopic(1));
        assertThatCode(() -> DetectionConfiguration.checkCoPartitioned(admin)).as("once KafkaAdmin added the partitions")
                .doesNotThrowAnyException();
    }
}
