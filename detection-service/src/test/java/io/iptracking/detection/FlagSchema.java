package io.iptracking.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.iptracking.common.kafka.PublicSchemas;
import io.iptracking.common.kafka.Topics;

/** Validates flags as published against the public JSON Schema of the flagged topic. */
public final class FlagSchema {

    // Formats asserted too (date-time, uuid, ipv4/ipv6): stricter than what the default dialect does.
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                    b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()))
            .getSchema(PublicSchemas.forTopic(Topics.FLAGGED), InputFormat.JSON);

    private FlagSchema() {
    }

    public static void assertValid(String json) {
        assertThat(SCHEMA.validate(json, InputFormat.JSON)).as("schema errors of %s", json).isEmpty();
    }
}
