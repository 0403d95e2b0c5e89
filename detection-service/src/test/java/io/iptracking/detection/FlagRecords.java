package io.iptracking.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Flags as their consumers see them, and the "no flag lost, none repeated" assertion of the
 * integration tests. A duplicate is a second flag for the same IP and rule; a flag of another rule
 * for the same IP is not one.
 */
final class FlagRecords {

    private FlagRecords() {
    }

    /** Every flag a new read_committed reader of the flag topic sees now. */
    static List<ConsumerRecord<ClientIp, FlaggedIp>> committed(TestKafka kafka) {
        return kafka.readAll(Topics.FLAGGED.name(), IsolationLevel.READ_COMMITTED, Duration.ofSeconds(30),
                Topics.FLAGGED.keySerde().deserializer(), Topics.FLAGGED.valueSerde().deserializer());
    }

    /** Every flag a read_uncommitted reader sees now: with those of aborted and open transactions. */
    static List<ConsumerRecord<ClientIp, FlaggedIp>> uncommitted(TestKafka kafka) {
        return kafka.readAll(Topics.FLAGGED.name(), IsolationLevel.READ_UNCOMMITTED, Duration.ofSeconds(30),
                Topics.FLAGGED.keySerde().deserializer(), Topics.FLAGGED.valueSerde().deserializer());
    }

    /**
     * Waits until no transaction is open on the flag topic (the last stable offset has reached the end
     * of every partition): a read_committed reader then sees every flag written so far that will
     * ever be committed. A killed instance's transaction stays open until it times out or a
     * successor with its transactional id fences it.
     */
    static void awaitNoOpenTransaction(TestKafka kafka) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, Topics.FLAGGED.partitions()).boxed()
                    .collect(Collectors.toMap(i -> new TopicPartition(Topics.FLAGGED.name(), i), i -> OffsetSpec.latest()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
                var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
                return latest.keySet().stream().allMatch(tp -> stable.get(tp).offset() == end.get(tp).offset());
            });
        }
    }

    static List<ConsumerRecord<ClientIp, FlaggedIp>> of(List<ConsumerRecord<ClientIp, FlaggedIp>> records, Collection<ClientIp> ips) {
        return records.stream().filter(r -> ips.contains(r.key())).toList();
    }

    /**
     * Each of {@code ips} has exactly one flag of {@code rule}, and no IP has two flags of any rule;
     * a failure lists every flag of these IPs that was read.
     */
    static void assertExactlyOneFlagEach(List<ConsumerRecord<ClientIp, FlaggedIp>> records, Collection<ClientIp> ips, FlagRule rule) {
        List<ConsumerRecord<ClientIp, FlaggedIp>> mine = of(records, ips);
        Map<String, Long> perIpAndRule = mine.stream()
                .collect(Collectors.groupingBy(r -> r.key() + " " + r.value().rule(), TreeMap::new, Collectors.counting()));
        Map<String, Long> expected = ips.stream()
                .collect(Collectors.toMap(ip -> ip + " " + rule, ip -> 1L, Long::sum, TreeMap::new));
        assertThat(perIpAndRule).as("flags per (IP, rule); every flag of these IPs that was read:%n%s", describe(mine))
                .allSatisfy((key, n) -> assertThat(n).as(key).isOne())
                .containsAllEntriesOf(expected);
    }

    /** One line per flag: where it is, what it says, and the ids that tell a replay from a new decision. */
    static String describe(List<ConsumerRecord<ClientIp, FlaggedIp>> records) {
        Function<ConsumerRecord<ClientIp, FlaggedIp>, String> line = r -> String.format("  partition %d offset %d: %s %s requests=%d window=%s..%s flagId=%s detectedAt=%s",
                r.partition(), r.offset(), r.key(), r.value().rule(), r.value().requestCount(), r.value().windowStart(),
                r.value().windowEnd(), r.value().flagId(), r.value().detectedAt());
        return records.isEmpty() ? "  (none)" : records.stream().map(line).collect(Collectors.joining("\n"));
    }
}
