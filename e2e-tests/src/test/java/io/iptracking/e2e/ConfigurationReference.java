package io.iptracking.e2e;

import io.iptracking.configuration.EnvironmentVariables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration reference of the services, generated from what each service itself holds: its
 * {@code environment-variables.properties} (the variables and the property each sets, in order), its
 * configuration metadata (each property's description and default, from the javadoc and
 * {@code @DefaultValue} of its configuration properties records, and from
 * {@code additional-spring-configuration-metadata.json} for Spring's own properties) and its
 * {@code application.yml} (the defaults of Spring's own properties, and of the few whose default
 * refers to another property). A default given in both places is an error: each is written once.
 */
final class ConfigurationReference {

    /** The services, in the order the README and {@code .env.example} list them. */
    static final List<String> SERVICES = List.of("ingest-service", "enrichment-service", "detection-service", "admin-service");

    private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal) ([^}]*)}");
    private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)? (?:[\\w.]+\\.)?([\\w#]+)[^}]*}");

    /** One documented environment variable of one service. */
    record Variable(String service, String name, String property, String defaultValue, String description) {

        /** The description with javadoc's inline tags made Markdown ({@code x} becomes `x`). */
        String markdownDescription() {
            return LINK.matcher(CODE.matcher(description).replaceAll(m -> Matcher.quoteReplacement("`" + m.group(1) + "`")))
                    .replaceAll("$1").replace("|", "\\|");
        }

        /** The description as plain text. */
        String plainDescription() {
            return LINK.matcher(CODE.matcher(description).replaceAll("$1")).replaceAll("$1");
        }
    }

    private ConfigurationReference() {
    }

    /**
     * The variables of the service in {@code repository/service}, in the order its
     * {@code environment-variables.properties} names them.
     *
     * @throws IllegalStateException naming every variable without a description, whose property the
     *     metadata does not know, or whose default is given twice
     */
    static List<Variable> variables(Path repository, String service) {
        Path dir = repository.resolve(service);
        Path names = dir.resolve("src/main/resources/" + EnvironmentVariables.RESOURCE);
        Path metadata = dir.resolve("target/classes/META-INF/spring-configuration-metadata.json");
        if (!Files.isRegularFile(metadata)) {
            throw new IllegalStateException(metadata + " is missing: build the services first (./mvnw -B install -DskipTests)");
        }
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        for (JsonNode p : JsonMapper.builder().build().readTree(metadata.toFile()).path("properties")) {
            properties.put(p.path("name").asString(), p);
        }
        Map<String, Object> yaml = yaml(dir.resolve("src/main/resources/application.yml"));
        List<Variable> variables = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        EnvironmentVariables.parse(read(names), names.toString()).forEach((name, property) -> {
            JsonNode p = properties.get(property);
            if (p == null) {
                problems.add(name + ": " + property + " is not in the configuration metadata");
                return;
            }
            String description = p.path("description").asString("").strip();
            if (description.isEmpty()) {
                problems.add(name + ": " + property + " has no description (a @param in its record's javadoc)");
            }
            String fromMetadata = p.has("defaultValue") ? render(p.get("defaultValue"), p.path("type").asString("")) : null;
            String fromYaml = yamlValue(yaml, property);
            if (fromMetadata != null && fromYaml != null) {
                problems.add(name + ": " + property + " has a default in its record (" + fromMetadata
                        + ") and in application.yml (" + fromYaml + "): keep one");
            }
            variables.add(new Variable(service, name, property, fromMetadata != null ? fromMetadata : fromYaml,
                    description.replaceAll("\\s+", " ")));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(service + ":\n  " + String.join("\n  ", problems));
        }
        return variables;
    }

    /** The Markdown table of one service's variables. */
    static String table(List<Variable> variables) {
        StringBuilder md = new StringBuilder("| variable | default | meaning |\n|---|---|---|\n");
        for (Variable v : variables) {
            String value = v.defaultValue() == null || v.defaultValue().isEmpty() ? "*(none)*"
                    : "`" + v.defaultValue().replace("|", "\\|") + "`";
            md.append("| `").append(v.name()).append("` | ").append(value).append(" | ").append(v.markdownDescription())
                    .append(" |\n");
        }
        return md.toString();
    }

    /**
     * The {@code .env.example} lines of every service: the variables several services read once, then
     * each service's own, each as its description and a commented {@code NAME=default} line.
     */
    static String envExample(Map<String, List<Variable>> byService) {
        Map<String, List<Variable>> byName = byService.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(Variable::name, LinkedHashMap::new, Collectors.toList()));
        List<String> problems = new ArrayList<>();
        StringBuilder env = new StringBuilder();
        section(env, "every service");
        byName.forEach((name, all) -> {
            if (all.size() > 1) {
                if (all.stream().map(Variable::defaultValue).distinct().count() > 1) {
                    problems.add(name + " has different defaults in " + all.stream().map(Variable::service).toList());
                }
                entry(env, all.getFirst(), "read by " + all.stream().map(Variable::service).collect(Collectors.joining(", ")));
            }
        });
        byService.forEach((service, variables) -> {
            env.append('\n');
            section(env, service);
            variables.stream().filter(v -> byName.get(v.name()).size() == 1).forEach(v -> entry(env, v, null));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
        return env.toString();
    }

    /**
     * {@code document} with the text between the line {@code begin} and the line {@code end} replaced.
     *
     * @throws IllegalStateException when either line is missing
     */
    static String replaceBetween(String document, String begin, String end, String generated) {
        int from = document.indexOf(begin + "\n");
        int to = document.indexOf(end + "\n", Math.max(from, 0));
        if (from < 0 || to < 0) {
            throw new IllegalStateException("the document lacks the lines '" + begin + "' and '" + end + "'");
        }
        return document.substring(0, from + begin.length() + 1) + generated + document.substring(to);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void section(StringBuilder env, String title) {
        env.append("# --- ").append(title).append(' ').append("-".repeat(Math.max(3, 94 - title.length()))).append("\n\n");
    }

    private static void entry(StringBuilder env, Variable v, String note) {
        String text = v.plainDescription() + (note == null ? "" : " (" + note + ")");
        for (String line : wrap(capitalized(text) + (text.endsWith(".") ? "" : "."), 98)) {
            env.append("# ").append(line).append('\n');
        }
        String value = v.defaultValue() == null ? "" : v.defaultValue();
        boolean quote = value.chars().anyMatch(c -> c == ' ' || c == '$' || c == '#' || c == '\'' || c == '"');
        env.append("# ").append(v.name()).append('=').append(quote ? "'" + value + "'" : value).append('\n');
    }

    private static String capitalized(String s) {
        return s.isEmpty() || s.startsWith("`") ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /**
     * A metadata default as a variable would spell it: collections comma-separated. (The processor
     * writes a record's collection default as one string, {@code "[a, b]"}; a JSON array is read too.)
     */
    private static String render(JsonNode value, String type) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString()));
            return String.join(",", items);
        }
        String text = value.asString();
        boolean collection = type.startsWith("java.util.List<") || type.startsWith("java.util.Set<") || type.endsWith("[]");
        if (collection && text.startsWith("[") && text.endsWith("]")) {
            return text.substring(1, text.length() - 1).replace(", ", ",");
        }
        return text;
    }

    private static Map<String, Object> yaml(Path file) {
        Map<String, Object> flat = new LinkedHashMap<>();
        try {
            for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml", new FileSystemResource(file))) {
                for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                    flat.putIfAbsent(name, source.getProperty(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return flat;
    }

    /** A property's value in the YAML file, with YAML lists joined by commas; null when absent. */
    private static String yamlValue(Map<String, Object> yaml, String property) {
        if (yaml.containsKey(property)) {
            return String.valueOf(yaml.get(property));
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; yaml.containsKey(property + "[" + i + "]"); i++) {
            items.add(String.valueOf(yaml.get(property + "[" + i + "]")));
        }
        return items.isEmpty() ? null : String.join(",", items);
    }
}
