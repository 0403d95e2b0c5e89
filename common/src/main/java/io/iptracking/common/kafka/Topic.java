package io.iptracking.common.kafka;

import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with its key and value types: the one place its name, serdes and settings are given.
 * Producers, consumers, topologies and tests take a {@code Topic} from {@link Topics}, never a name.
 *
 * @param name the topic name, versioned ({@code .v1}) so an incompatible change gets a new topic
 * @param keySerde how keys are written and read
 * @param valueSerde how values are written and read
 * @param settings partitions and cleanup
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicSettings settings) {

    // Kafka's own rule for topic names (Topic.validate in the broker).
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public Topic {
        if (name == null || !LEGAL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a legal Kafka topic name");
        }
        if (keySerde == null || valueSerde == null || settings == null) {
            throw new NullPointerException("topic " + name + " needs a key serde, a value serde and settings");
        }
    }

    public int partitions() {
        return settings.partitions();
    }

    /** The topic-level configs to create the topic with ({@code cleanup.policy}, {@code retention.ms}…). */
    public Map<String, String> configs() {
        return settings.configs();
    }

    /**
     * What an {@code AdminClient} needs to create this topic.
     *
     * @param replicationFactor 1 on a single broker; 3 in production
     */
    public NewTopic newTopic(int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replication factor must be between 1 and " + Short.MAX_VALUE
                    + ", was " + replicationFactor);
        }
        return new NewTopic(name, partitions(), (short) replicationFactor).configs(configs());
    }

    @Override
    public String toString() {
        return name;
    }
}
