package io.iptracking.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.configuration.EnvironmentVariables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

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

    @Test
    @SuppressWarnings("unchecked")
    void composeSetsOnlyVariablesTheServicesRead() {
        Map<String, Object> compose = new Yaml().load(ConfigurationReference.read(REPOSITORY.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        for (String service : ConfigurationReference.SERVICES) {
            Map<String, String> documented = EnvironmentVariables.parse(ConfigurationReference.read(REPOSITORY.resolve(
                    service + "/src/main/resources/" + EnvironmentVariables.RESOURCE)), service);
            Map<String, Object> environment = (Map<String, Object>) services.get(service).get("environment");
            assertThat(environment).as("%s's environment in docker-compose.yml", service).isNotEmpty();
            assertThat(documented.keySet()).as("variables docker-compose.yml sets for %s", service)
                    .containsAll(environment.keySet().stream().filter(name -> !name.startsWith("JAVA_")).toList());
        }
    }
}
