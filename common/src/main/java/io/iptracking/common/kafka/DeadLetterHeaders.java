package io.iptracking.common.kafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Header names of a record on {@link Topics#REQUESTS_DLQ}: the original key and value bytes are kept
 * unchanged, and these headers say why and where the record failed. Values are UTF-8 text.
 *
 * <p>The names are those Kafka Streams itself writes to a dead-letter topic
 * ({@code errors.dead.letter.queue.topic.name}); every dead-letter topic of the system uses them, so an
 * operator reads every dead letter the same way.
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

    /**
     * The headers of a dead-letter record: {@code failure} and where the record was read. The record's
     * own headers are the caller's to add or not.
     */
    public static Headers of(Throwable failure, String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EXCEPTION, utf8(failure.getClass().getName()));
        headers.add(MESSAGE, utf8(String.valueOf(failure.getMessage())));
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        headers.add(STACKTRACE, utf8(trace.toString()));
        headers.add(TOPIC, utf8(topic));
        headers.add(PARTITION, utf8(Integer.toString(partition)));
        headers.add(OFFSET, utf8(Long.toString(offset)));
        return headers;
    }

    /**
     * A dead letter's error for a log line: messages may quote what the record held (a parser quotes
     * the token it choked on), so control characters and line separators become '?', and the text stops
     * at 300 characters: a record cannot forge or flood log lines.
     */
    public static String forLog(Throwable failure) {
        String text = failure.toString();
        StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return out.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
