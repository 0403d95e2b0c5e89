package io.iptracking.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration tables and {@code .env.example} are what the services themselves say
 * ({@link ConfigurationReference}): a changed default, description or variable fails this test until
 * both are regenerated with
 * {@code ./mvnw -B install -DskipTests && ./mvnw -B -pl e2e-tests test -Dtest=ConfigurationReferenceTest -Dipt.write-configuration-reference=true}.
 */
class ConfigurationReferenceTest {

    static final Path REPOSITORY = Path.of(System.getProperty("ipt.repository", "..")).toAbsolutePath().normalize();
    static final String ENV_BEGIN = "# BEGIN generated from each service's configuration (ConfigurationReferenceTest)";
    static final String ENV_END = "# END generated";
    static final String REGENERATE = "regenerate with ./mvnw -B -pl e2e-tests test -Dtest=ConfigurationReferenceTest "
            + "-Dipt.write-configuration-reference=true (after ./mvnw -B install -DskipTests)";

    @Test
    void theReadmeAndEnvExampleSayWhatTheServicesSay() throws IOException {
        Map<String, List<ConfigurationReference.Variable>> byService = new LinkedHashMap<>();
        for (String service : ConfigurationReference.SERVICES) {
            byService.put(service, ConfigurationReference.variables(REPOSITORY, service));
        }
        Path readme = REPOSITORY.resolve("README.md");
        String readmeNow = ConfigurationReference.read(readme);
        String readmeExpected = readmeNow;
        for (var service : byService.entrySet()) {
            readmeExpected = ConfigurationReference.replaceBetween(readmeExpected, begin(service.getKey()), END,
                    ConfigurationReference.table(service.getValue()));
        }
        Path env = REPOSITORY.resolve(".env.example");
        String envNow = ConfigurationReference.read(env);
        String envExpected = ConfigurationReference.replaceBetween(envNow, ENV_BEGIN, ENV_END,
                ConfigurationReference.envExample(byService));

        if (Boolean.getBoolean("ipt.write-configuration-reference")) {
            Files.writeString(readme, readmeExpected);
            Files.writeString(env, envExpected);
        }
        assertThat(readmeNow).as("README.md's configuration tables: " + REGENERATE).isEqualTo(readmeExpected);
        assertThat(envNow).as(".env.example: " + REGENERATE).isEqualTo(envExpected);
    }

    @Test
    void everyVariableOfEveryServiceIsDocumented() {
        for (String service : ConfigurationReference.SERVICES) {
            assertThat(ConfigurationReference.variables(REPOSITORY, service)).as(service).isNotEmpty()
                    .allSatisfy(v -> assertThat(v.description()).as(v.name()).isNotBlank());
        }
    }

    @Test
    void aDefaultInTwoPlacesOrAnUnknownPropertyIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path service = dir.resolve("svc");
        Files.createDirectories(service.resolve("src/main/resources"));
        Files.createDirectories(service.resolve("target/classes/META-INF"));
        Files.writeString(service.resolve("target/classes/META-INF/spring-configuration-metadata.json"), """
                {"properties": [
                  {"name": "svc.port", "description": "the port", "defaultValue": 80},
                  {"name": "svc.name", "description": ""}]}
                """);
        Files.writeString(service.resolve("src/main/resources/application.yml"), "svc:\n  port: 81\n");
        Files.writeString(service.resolve("src/main/resources/environment-variables.properties"),
                "SVC_PORT=svc.port\nSVC_NAME=svc.name\nSVC_TYPO=svc.nmae\n");
        assertThatThrownBy(() -> ConfigurationReference.variables(dir, "svc"))
                .hasMessageContaining("SVC_PORT: svc.port has a default in its record (80) and in application.yml (81)")
                .hasMessageContaining("SVC_NAME: svc.name has no description")
                .hasMessageContaining("SVC_TYPO: svc.nmae is not in the configuration metadata");
    }

    @Test
    void aSharedVariableWithTwoDefaultsIsRefused() {
        var a = new ConfigurationReference.Variable("a", "KAFKA_X", "a.x", "1", "x");
        var b = new ConfigurationReference.Variable("b", "KAFKA_X", "b.x", "2", "x");
        assertThatThrownBy(() -> ConfigurationReference.envExample(Map.of("a", List.of(a), "b", List.of(b))))
                .hasMessageContaining("KAFKA_X has different defaults");
    }

    @Test
    void javadocTagsBecomeMarkdownAndPipesAreEscaped() {
        var v = new ConfigurationReference.Variable("s", "V", "s.v", "a|b",
                "{@code PROXY} or {@link io.iptracking.X#y}: one | two");
        assertThat(v.markdownDescription()).isEqualTo("`PROXY` or X#y: one \\| two");
        assertThat(v.plainDescription()).isEqualTo("PROXY or X#y: one | two");
        assertThat(ConfigurationReference.table(List.of(v))).contains("| `V` | `a\\|b` | `PROXY` or X#y: one \\| two |");
    }

    private static String begin(String service) {
        return "<!-- BEGIN generated from " + service + "'s configuration (ConfigurationReferenceTest) -->";
    }

    private static final String END = "<!-- END generated -->";
}
