package io.iptracking.common.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JSON Schemas (draft 2020-12) of the topics that systems outside ip-tracking read. They are
 * classpath resources named after the topic, {@code schemas/<topic name>.schema.json}, so that the
 * admin service can serve them and tests can validate samples against them.
 */
public final class PublicSchemas {

    private static final List<Topic<?, ?>> PUBLIC = List.of(Topics.FLAGGED, Topics.BLOCKLIST);

    private PublicSchemas() {
    }

    /** The topics with a public schema. */
    public static List<Topic<?, ?>> topics() {
        return PUBLIC;
    }

    /**
     * The classpath resource name of the topic's schema, for {@link ClassLoader#getResource}.
     *
     * @throws IllegalArgumentException if the topic is not public
     */
    public static String resourceName(Topic<?, ?> topic) {
        if (!PUBLIC.contains(topic)) {
            throw new IllegalArgumentException("topic " + topic.name() + " has no public schema; public topics: "
                    + PUBLIC.stream().map(Topic::name).collect(Collectors.joining(", ")));
        }
        return "schemas/" + topic.name() + ".schema.json";
    }

    /**
     * The topic's schema, as JSON text.
     *
     * @throws IllegalArgumentException if the topic is not public
     * @throws IllegalStateException if the schema is missing from the classpath (a broken build)
     */
    public static String forTopic(Topic<?, ?> topic) {
        String resource = resourceName(topic);
        try (InputStream in = PublicSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + resource, e);
        }
    }
}
