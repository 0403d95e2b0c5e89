package io.iptracking.common.json;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;

/**
 * Jackson's own {@link Instant} reader, with {@link UtcInstants} in front of its formatter for the form
 * the topics carry; any other text (offsets, numbers, errors) is read, or refused, exactly as before.
 */
final class UtcInstantDeserializer extends InstantDeserializer<Instant> {

    UtcInstantDeserializer() {
        super(InstantDeserializer.INSTANT, DateTimeFormatter.ISO_INSTANT);
    }

    @Override
    protected Instant _fromString(JsonParser p, DeserializationContext ctxt, String text) {
        Instant instant = UtcInstants.parse(text);
        return instant != null ? instant : super._fromString(p, ctxt, text);
    }
}
