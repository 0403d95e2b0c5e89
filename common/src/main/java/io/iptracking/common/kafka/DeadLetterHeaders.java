package io.iptracking.common.kafka;

/**
 * Header names of a record on {@link Topics#REQUESTS_DLQ}: the original key and value bytes are kept
 * unchanged, and these headers say why and where the record failed. Values are UTF-8 text.
 *
 * <p>The names are those Kafka Streams itself writes to a dead-letter topic
 * ({@code errors.dead.letter.queue.topic.name}), so a record is read the same way whether a service
 * routes it by hand or lets Kafka Streams do it.
 */
public final class DeadLetterHeaders {

    /** Fully qualified class name of the exception. */
    public static final String EXCEPTION = "__streams.errors.exception";

    /** The exception's message; never quotes the payload. */
    public static final String MESSAGE = "__streams.errors.message";

    /** The exception's stack trace. */
    public static final String STACKTRACE = "__streams.errors.stacktrace";

    /** The topic the record was read from. */
    public static final String TOPIC = "__streams.errors.topic";

    /** The partition it was read from, in decimal. */
    public static final String PARTITION = "__streams.errors.partition";

    /** Its offset in that partition, in decimal. */
    public static final String OFFSET = "__streams.errors.offset";

    private DeadLetterHeaders() {
    }
}
