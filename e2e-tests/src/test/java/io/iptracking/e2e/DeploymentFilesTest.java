package io.iptracking.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.iptracking.configuration.EnvironmentVariables;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/** The deployment files agree with the build and with the variables the services read. */
class DeploymentFilesTest {

    static final Path REPOSITORY = ConfigurationReferenceTest.REPOSITORY;

    @Test
    void theImageRecipeCopiesEveryModuleOfTheBuild() {
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(ConfigurationReference.read(REPOSITORY.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        String dockerfile = ConfigurationReference.read(REPOSITORY.resolve("deploy/docker/Dockerfile"));
        assertThat(modules).isNotEmpty().allSatisfy(module ->
                assertThat(dockerfile).as("the Dockerfile copies module %s (the reactor needs it)", module)
                        .contains("COPY " + module + " " + module + "\n"));
    }

    /**
     * What {@code docker compose config} checks first, without Docker: the file against the Compose
     * Specification's own JSON Schema (a copy under {@code src/test/resources/compose-spec}). The YAML
     * is read as compose reads it (merge keys applied), before interpolation. The check can fail: a
     * misspelt attribute is refused.
     */
    @Test
    @SuppressWarnings("unchecked")
    void composeFollowsTheComposeSpecification() throws Exception {
        Schema schema;
        try (InputStream in = DeploymentFilesTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            // Its $id is relative, which the validator refuses as a base: given an absolute one in memory.
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\"$id\": \"compose_spec.json\"", "\"$id\": \"https://compose-spec.io/compose_spec.json\"");
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(text, InputFormat.JSON);
        }
        JsonMapper json = JsonMapper.builder().build();
        Object compose = new Yaml().load(ConfigurationReference.read(REPOSITORY.resolve("docker-compose.yml")));
        assertThat(schema.validate(json.writeValueAsString(compose), InputFormat.JSON)).as("docker-compose.yml").isEmpty();

        Map<String, Object> misspelt = new Yaml().load(ConfigurationReference.read(REPOSITORY.resolve("docker-compose.yml")));
        ((Map<String, Map<String, Object>>) misspelt.get("services")).get("kafka").put("enviroment", Map.of("A", "b"));
        assertThat(schema.validate(json.writeValueAsString(misspelt), InputFormat.JSON)).as("a misspelt attribute")
                .isNotEmpty();
    }

    /**
     * Each service's environment in compose is exactly what it reads: everything, so that a setting in
     * .env reaches it (a retired one too, which stops it), and nothing else (no {@code env_file}), so that no service holds another's
     * secrets (the pseudonym key, the database passwords, other principals' Kafka passwords).
     */
    @Test
    @SuppressWarnings("unchecked")
    void composeHandsEachServiceExactlyTheVariablesItReads() {
        Map<String, Object> compose = new Yaml().load(ConfigurationReference.read(REPOSITORY.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        for (String service : ConfigurationReference.SERVICES) {
            Map<String, String> documented = EnvironmentVariables.parse(ConfigurationReference.read(REPOSITORY.resolve(
                    service + "/src/main/resources/" + EnvironmentVariables.RESOURCE)), service);
            Map<String, Object> definition = services.get(service);
            assertThat(definition).as("%s in docker-compose.yml", service).doesNotContainKey("env_file");
            Map<String, Object> environment = (Map<String, Object>) definition.get("environment");
            Set<String> reads = new TreeSet<>(documented.keySet());
            reads.addAll(EnvironmentVariables.retiredFor(documented));
            assertThat(environment.keySet()).as("variables docker-compose.yml hands %s (its own, and those it refuses)", service)
                    .containsExactlyInAnyOrderElementsOf(reads);
        }
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            assertThat(service.getValue()).as("%s in docker-compose.yml", service.getKey()).doesNotContainKey("env_file");
        }
    }
}
