package io.iptracking.common.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The one Jackson configuration for every topic value and public schema in ip-tracking. Kafka serdes
 * use it; a service that needs a Spring-managed mapper should expose {@link #mapper()} (or
 * {@code mapper().rebuild()} to extend it) instead of configuring another.
 *
 * <ul>
 *   <li>Instants are ISO-8601 text in UTC ({@code 2026-05-04T10:15:30Z}, fractional seconds only when
 *       present), as the public schemas require. That form is read without a {@code DateTimeFormatter};
 *       offsets and the other forms Jackson accepts are still read.</li>
 *   <li>Null fields are <em>omitted</em>, never written as {@code null}: an absent optional field means
 *       "unknown / none". The schemas list only non-null fields as required. Readers accept an explicit
 *       {@code null} for an optional field all the same.</li>
 *   <li>Unknown properties are ignored, so a reader keeps working when a producer adds a field.</li>
 *   <li>Properties are written in record component order, map entries sorted by key, so the same value
 *       always gives the same bytes.</li>
 *   <li>Enums are read by name only: a number in place of an enum name is an error, not an index.</li>
 * </ul>
 *
 * <p>The mapper is immutable and thread-safe.
 */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .changeDefaultPropertyInclusion(incl -> incl
                    .withValueInclusion(JsonInclude.Include.NON_NULL)
                    .withContentInclusion(JsonInclude.Include.NON_NULL))
            .addModule(new SimpleModule("ip-tracking-instants").addDeserializer(Instant.class, new UtcInstantDeserializer()))
            .build();

    private Json() {
    }

    /** The shared, configured mapper. */
    public static JsonMapper mapper() {
        return MAPPER;
    }
}
