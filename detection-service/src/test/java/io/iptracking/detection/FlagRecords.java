package io.iptracking.detection;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;

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
