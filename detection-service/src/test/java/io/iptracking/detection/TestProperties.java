package io.iptracking.detection;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@link DetectionProperties} as Spring binds them, defaults included, so tests use the production
 * defaults rather than copies of them.
 */
public final class TestProperties {

    private TestProperties() {
    }

    public static DetectionProperties defaults() {
        return with(Map.of());
    }

    /** The defaults with some properties set, by their full names ({@code detection.window.grace}). */
    public static DetectionProperties with(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(new HashMap<>(properties)))
                .bindOrCreate("detection", DetectionProperties.class);
    }
}
