package io.iptracking.configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Reads the environment variables a service documents ({@code INGEST_PORT}, {@code ADMIN_DB_URL}, …)
 * as the properties they stand for.
 *
 * <p>The names come from the service's {@code environment-variables.properties}, one line per
 * variable: {@code INGEST_PORT=ingest.traffic.port}. Nothing else is there: a property's default and
 * description are its own (the {@code @DefaultValue} and javadoc of its configuration properties
 * record, in the configuration metadata), and the README's tables and {@code .env.example} are
 * generated from both, so that each default is written once.
 *
 * <p>A documented variable outranks {@code application.yml}; Spring's own sources for the same
 * property outrank it (command-line arguments, system properties, and Spring's own name for the
 * variable, e.g. {@code INGEST_TRAFFIC_PORT}). A bad value fails start-up with a message that names
 * the property and the variable it came from, and so does a variable an earlier version read
 * ({@link #RETIRED}).
 */
public final class EnvironmentVariables implements EnvironmentPostProcessor, Ordered {

    /** The classpath resource that names the variables, in the order the README lists them. */
    public static final String RESOURCE = "environment-variables.properties";

    /** The property source that holds the variables' values. */
    public static final String PROPERTY_SOURCE = "documentedEnvironmentVariables";

    private static final String ONE_LIST = "set SENSITIVE_PATHS instead: one list serves detection's SENSITIVE_PATH rule"
            + " and admin's reports";

    /**
     * Variables that earlier versions read, with what to do instead. The service that read one refuses
     * to start when it is set to a value ({@link RetiredVariableException}) rather than run without the
     * setting the operator meant.
     */
    static final Map<String, String> RETIRED = Map.of(
            "DETECTION_SENSITIVE_PATHS", ONE_LIST,
            "ADMIN_SENSITIVE_PATHS", ONE_LIST,
            "DETECTION_MAX_REQUESTS_PER_IP", "remove it: a client's window is bounded whatever the client sends");

    private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        ClassLoader loader = application.getClassLoader();
        Map<String, String> names = read(loader == null ? getClass().getClassLoader() : loader);
        PropertySource<?> variables = environment.getPropertySources()
                .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (names.isEmpty() || variables == null) {
            return;
        }
        for (Map.Entry<String, String> retired : new TreeMap<>(RETIRED).entrySet()) {
            if (readBy(names, retired.getKey()) && variables.getProperty(retired.getKey()) instanceof Object value
                    && !value.toString().isBlank()) {
                throw new RetiredVariableException(retired.getKey(), retired.getValue());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        names.forEach((variable, property) -> {
            Object value = variables.getProperty(variable);
            if (value != null) {
                values.put(property, OriginTrackedValue.of(value, new SystemEnvironmentOrigin(variable)));
            }
        });
        if (!values.isEmpty()) {
            environment.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new OriginTrackedMapPropertySource(PROPERTY_SOURCE, Collections.unmodifiableMap(values)));
        }
    }

    /**
     * The retired variables a service with these {@code names} read: compose hands them to it too, so
     * that an old line in {@code .env} stops it rather than being ignored.
     */
    public static Set<String> retiredFor(Map<String, String> names) {
        return RETIRED.keySet().stream().filter(retired -> readBy(names, retired)).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Whether {@code retired} was this service's: it has the service's own prefix ({@code DETECTION_}),
     * the one most of its variables have (detection also reads {@code ADMIN_API_KEYS}, which does not
     * make {@code ADMIN_SENSITIVE_PATHS} its own). One {@code .env} serves every service, and an old
     * line there concerns only the service that read it.
     */
    private static boolean readBy(Map<String, String> names, String retired) {
        Map<String, Long> byPrefix = names.keySet().stream()
                .collect(Collectors.groupingBy(EnvironmentVariables::prefix, Collectors.counting()));
        long own = byPrefix.getOrDefault(prefix(retired), 0L);
        // Strictly the most common: on a tie, no service claims it.
        return own > 0 && byPrefix.entrySet().stream().noneMatch(e -> !e.getKey().equals(prefix(retired)) && e.getValue() >= own);
    }

    private static String prefix(String variable) {
        return variable.substring(0, variable.indexOf('_') + 1);
    }

    /** Runs before the configuration files are read, like Spring's own handling of the environment. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 5;
    }

    /**
     * The variables and their properties from every {@link #RESOURCE} on the classpath, in file order.
     *
     * @throws IllegalStateException for a line that is not {@code VARIABLE=property.name}, or a variable
     *     named twice for different properties
     */
    public static Map<String, String> read(ClassLoader loader) {
        Map<String, String> names = new LinkedHashMap<>();
        try {
            for (URL url : Collections.list(loader.getResources(RESOURCE))) {
                try (InputStream in = url.openStream()) {
                    parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), url.toString(), names);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return names;
    }

    /**
     * The variables and their properties of one {@link #RESOURCE} file's text, in file order.
     *
     * @param source names the file in error messages
     */
    public static Map<String, String> parse(String text, String source) {
        Map<String, String> names = new LinkedHashMap<>();
        parse(text, source, names);
        return names;
    }

    static void parse(String text, String source, Map<String, String> names) {
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String variable = eq < 0 ? line : line.substring(0, eq).strip();
            String property = eq < 0 ? "" : line.substring(eq + 1).strip();
            if (!VARIABLE.matcher(variable).matches() || !PROPERTY.matcher(property).matches()) {
                throw new IllegalStateException(source + " line " + (i + 1)
                        + ": expected VARIABLE_NAME=property.name, was '" + line + "'");
            }
            String before = names.putIfAbsent(variable, property);
            if (before != null && !before.equals(property)) {
                throw new IllegalStateException(source + " line " + (i + 1) + ": " + variable + " already sets " + before);
            }
        }
    }
}
