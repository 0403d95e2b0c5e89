package io.iptracking.common.kafka;

import io.iptracking.common.text.SafeText;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
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

    /** The longest {@link #MESSAGE} written, in characters: a message may quote the record. */
    public static final int MAX_MESSAGE = 2048;

    /** The longest {@link #STACKTRACE} written, in characters. */
    public static final int MAX_STACKTRACE = 8192;

    /**
     * The largest value a dead-letter record carries, in bytes: a larger one (read from a topic that
     * allows more than the dead-letter topic's 1 MB) is left out, and {@link #MESSAGE} says so.
     */
    public static final int MAX_VALUE_BYTES = 512 * 1024;

    private DeadLetterHeaders() {
    }

    /**
     * Notes in {@link #MESSAGE} that the dead letter carries no value because it was larger than
     * {@link #MAX_VALUE_BYTES}, and where the value still is.
     */
    public static void noteValueLeftOut(Headers headers, int valueBytes, String sourceTopic) {
        Header message = headers.lastHeader(MESSAGE);
        headers.remove(MESSAGE);
        headers.add(MESSAGE, utf8((message == null ? "" : new String(message.value(), StandardCharsets.UTF_8) + "; ")
                + "the value (" + valueBytes + " bytes) was left out: it stays at its offset in " + sourceTopic
                + " for that topic's retention"));
    }

    /**
     * Whether a header name is one of these, or one of Spring Kafka's deserializer headers: a record
     * read from a topic may carry forged ones, which a dead letter must not pass on.
     */
    public static boolean isErrorHeader(String name) {
        return name.startsWith("__streams.errors.") || name.startsWith("springDeserializerException")
                || name.startsWith("kafka_dlt-");
    }

    private static String cut(String text, int max) {
        String kept = SafeText.cap(text, max);
        return kept.length() == text.length() ? text : kept + "... (" + (text.length() - kept.length()) + " more characters)";
    }

    /**
     * The headers of a dead-letter record: {@code failure} and where the record was read. The record's
     * own headers are the caller's to add or not.
     */
    public static Headers of(Throwable failure, String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EXCEPTION, utf8(failure.getClass().getName()));
        headers.add(MESSAGE, utf8(cut(String.valueOf(failure.getMessage()), MAX_MESSAGE)));
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        headers.add(STACKTRACE, utf8(cut(trace.toString(), MAX_STACKTRACE)));
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
