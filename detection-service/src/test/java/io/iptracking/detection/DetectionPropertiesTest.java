package io.iptracking.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.Severity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class DetectionPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DetectionProperties.class)
    static class Config {
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class)).withUserConfiguration(Config.class);

    @Test
    void defaultsAreTheIssuesAndTheApplicationYmlAgrees() {
        DetectionProperties p = TestProperties.defaults();
        assertThat(p.window().size()).isEqualTo(Duration.ofHours(1));
        assertThat(p.window().coolDown()).isEqualTo(Duration.ofHours(1));
        assertThat(p.rules().highVolume().maxRequests()).isEqualTo(100);
        assertThat(p.rules().sensitivePath().paths()).containsExactly("/admin/**", "/wp-login.php", "/xmlrpc.php", "/.env",
                "/.git/**");
        assertThat(p.rules().sensitivePath().minCount()).isEqualTo(1);
        assertThat(p.rules().authFailures().statuses()).containsExactlyInAnyOrder(401, 403);
        assertThat(p.anomaly().severity()).isEqualTo(Severity.MEDIUM);
        runner.withPropertyValues("detection.rules.sensitive-path.paths=/admin,/wp-admin/**", "detection.kafka.streams.num.standby.replicas=1")
                .run(ctx -> {
                    DetectionProperties bound = ctx.getBean(DetectionProperties.class);
                    assertThat(bound.rules().sensitivePath().paths()).isEqualTo(List.of("/admin", "/wp-admin/**"));
                    assertThat(bound.kafka().streams()).containsEntry("num.standby.replicas", "1");
                    assertThat(bound).isEqualTo(TestProperties.with(java.util.Map.of(
                            "detection.rules.sensitive-path.paths", "/admin,/wp-admin/**",
                            "detection.kafka.streams.num.standby.replicas", "1")));
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            detection.window.size                    | 0s    | detection.window.size must be positive, was PT0S
            detection.window.grace                   | -1s   | detection.window.grace must not be negative, was PT-1S
            detection.kafka.commit-interval          | 0ms   | detection.kafka.commit-interval must be positive, was PT0S
            detection.anomaly.population-horizon     | 0s    | detection.anomaly.population-horizon must be positive, was PT0S
            detection.rules.high-volume.max-requests | 0     | rules.highVolume.maxRequests
            detection.rules.auth-failures.statuses   | 200   | rules.authFailures.statuses
            detection.anomaly.threshold              | 0.5   | anomaly.threshold
            detection.rules.scanning.severity        | LOUD  | LOUD
            """)
    void badConfigurationStopsStartUpNamingTheProperty(String property, String value, String message) {
        runner.withPropertyValues(property + "=" + value).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable failure = ctx.getStartupFailure();
            StringBuilder all = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
            }
            assertThat(all.toString()).contains(message);
        });
    }
}
