package io.iptracking.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The documented variables of {@code environment-variables.properties} (the test one names TEST_PORT,
 * TEST_NAME, three DETECTION_TEST_ variables and ADMIN_TEST_KEYS).
 */
@ExtendWith(OutputCaptureExtension.class)
class EnvironmentVariablesTest {

    @Test
    void aDocumentedVariableSetsItsProperty() {
        StandardEnvironment env = environment(Map.of("TEST_PORT", "9999"), Map.of());
        assertThat(env.getProperty("test.traffic.port")).isEqualTo("9999");
        assertThat(env.getProperty("test.name")).as("an unset variable sets nothing").isNull();
    }

    @Test
    void itOutranksTheApplicationsFileAndSpringsOwnNameOutranksIt() {
        assertThat(environment(Map.of("TEST_PORT", "9999"), Map.of("test.traffic.port", "8080"))
                .getProperty("test.traffic.port")).isEqualTo("9999");
        assertThat(environment(Map.of("TEST_PORT", "9999", "TEST_TRAFFIC_PORT", "7777"), Map.of())
                .getProperty("test.traffic.port")).isEqualTo("7777");
        assertThat(environment(Map.of(), Map.of("test.traffic.port", "8080")).getProperty("test.traffic.port"))
                .isEqualTo("8080");
    }

    @Test
    void anEmptyVariableIsAnEmptyValue() {
        assertThat(environment(Map.of("TEST_NAME", ""), Map.of("test.name", "from-file")).getProperty("test.name")).isEmpty();
    }

    @Test
    void aBadValueNamesTheVariableItCameFrom() {
        StandardEnvironment env = environment(Map.of("TEST_PORT", "eighty"), Map.of());
        assertThatThrownBy(() -> Binder.get(env).bind("test.traffic.port", Integer.class))
                .isInstanceOf(BindException.class)
                .satisfies(e -> assertThat(((BindException) e).getProperty().getOrigin()).hasToString(
                        "System Environment Property \"TEST_PORT\""));
    }

    @Test
    void theFileIsReadInOrder() {
        assertThat(EnvironmentVariables.read(getClass().getClassLoader()))
                .containsExactly(Map.entry("TEST_PORT", "test.traffic.port"), Map.entry("TEST_NAME", "test.name"),
                        Map.entry("DETECTION_TEST_WINDOW", "test.window"), Map.entry("DETECTION_TEST_BUCKET", "test.bucket"),
                        Map.entry("DETECTION_TEST_GRACE", "test.grace"), Map.entry("ADMIN_TEST_KEYS", "test.keys"));
    }

    @Test
    void aMalformedLineOrAVariableNamedTwiceIsRefused() {
        for (String bad : new String[] {"TEST_PORT", "TEST_PORT=", "test_port=test.port", "TEST_PORT=Test.Port",
                "TEST PORT=test.port", "TEST_PORT=test..port", "TEST_PORT=${X}"}) {
            assertThatThrownBy(() -> EnvironmentVariables.parse(bad, "f", new LinkedHashMap<>()))
                    .as(bad).isInstanceOf(IllegalStateException.class).hasMessageContaining("f line 1");
        }
        assertThatThrownBy(() -> EnvironmentVariables.parse("A=a.b\n\n# comment\nA=a.c", "f", new LinkedHashMap<>()))
                .hasMessage("f line 4: A already sets a.b");
        Map<String, String> same = new LinkedHashMap<>();
        EnvironmentVariables.parse("A=a.b\nA=a.b", "f", same);
        assertThat(same).containsExactly(Map.entry("A", "a.b"));
    }

    @Test
    void aVariableAnEarlierVersionReadStopsStartUpAndSaysWhatToDoInstead() {
        assertThatThrownBy(() -> environment(Map.of("TEST_PORT", "9999", "DETECTION_SENSITIVE_PATHS", "/admin/**"), Map.of()))
                .isInstanceOf(RetiredVariableException.class)
                .hasMessage("The environment variable DETECTION_SENSITIVE_PATHS is no longer read: set SENSITIVE_PATHS instead:"
                        + " one list serves detection's SENSITIVE_PATH rule and admin's reports.");
        assertThatThrownBy(() -> environment(Map.of("DETECTION_MAX_REQUESTS_PER_IP", "5000"), Map.of()))
                .isInstanceOf(RetiredVariableException.class).hasMessageContaining("DETECTION_MAX_REQUESTS_PER_IP");
    }

    @Test
    void anotherServicesRetiredVariableOrAnEmptyOneIsNotAReasonToStop() {
        // The test service reads mostly DETECTION_ variables, and one ADMIN_ one; ADMIN_SENSITIVE_PATHS was admin's.
        assertThat(environment(Map.of("ADMIN_SENSITIVE_PATHS", "/admin/**", "TEST_PORT", "9999"), Map.of())
                .getProperty("test.traffic.port")).isEqualTo("9999");
        assertThat(environment(Map.of("DETECTION_SENSITIVE_PATHS", " ", "TEST_PORT", "9999"), Map.of())
                .getProperty("test.traffic.port")).isEqualTo("9999");
    }

    @Test
    void theRetiredVariablesOfAServiceAreThoseOfItsOwnPrefix() {
        assertThat(EnvironmentVariables.retiredFor(EnvironmentVariables.read(getClass().getClassLoader())))
                .containsExactly("DETECTION_MAX_REQUESTS_PER_IP", "DETECTION_SENSITIVE_PATHS");
        assertThat(EnvironmentVariables.retiredFor(Map.of("ADMIN_PORT", "a.port", "ADMIN_DB_URL", "a.url", "KAFKA_X", "k.x")))
                .containsExactly("ADMIN_SENSITIVE_PATHS");
        assertThat(EnvironmentVariables.retiredFor(Map.of("INGEST_PORT", "i.port"))).isEmpty();
    }

    @Test
    void aServiceWithARetiredVariableFailsToStartWithTheReasonAndNoStackTrace(CapturedOutput output) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("DETECTION_MAX_REQUESTS_PER_IP", "5000")));
        SpringApplication application = new SpringApplication(Object.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setEnvironment(env);

        assertThatThrownBy(application::run).isInstanceOf(RetiredVariableException.class);
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .contains("The environment variable DETECTION_MAX_REQUESTS_PER_IP is no longer read")
                .contains("In the environment or .env: remove it")
                .doesNotContain("at io.iptracking.configuration.EnvironmentVariables");
    }

    /** An environment with these process variables and, last, an application file with these properties. */
    private static StandardEnvironment environment(Map<String, Object> variables, Map<String, Object> file) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        env.getPropertySources().addLast(new MapPropertySource("application.yml", file));
        new EnvironmentVariables().postProcessEnvironment(env, new SpringApplication());
        return env;
    }
}
