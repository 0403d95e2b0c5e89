package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.admin.privacy.IpTruncation;
import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

/** Binding and validation of the admin properties: defaults in one place, bad values stop start-up. */
class AdminPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AdminProperties.class)
    static class Binding {

        @Bean
        @ConfigurationPropertiesBinding
        static Converter<String, ApiKey> apiKeyConverter() {
            return ApiKey::parse;
        }

        @Bean
        @ConfigurationPropertiesBinding
        static Converter<String, Cidr> cidrConverter() {
            return Cidr::parse;
        }
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class, ValidationAutoConfiguration.class))
            .withUserConfiguration(Binding.class);

    @Test
    void defaultsArePrivateAndConservative() {
        runner.run(context -> {
            AdminProperties p = context.getBean(AdminProperties.class);
            assertThat(p.privacy().truncation()).isEqualTo(IpTruncation.DEFAULT);
            assertThat(p.retention().requestLog()).isEqualTo(Duration.ofDays(30));
            assertThat(p.autoBlock().enabled()).isFalse();
            assertThat(p.autoBlock().minSeverity()).isEqualTo(Severity.HIGH);
            assertThat(p.security().apiKeys()).isEmpty();
            assertThat(p.security().maxRequestSize().toBytes()).isEqualTo(16 * 1024);
            assertThat(p.requestLog().sensitivePaths()).contains("/admin/**", "/.env").doesNotContain("/login");
            assertThat(p.webhooks().refusedDestinations()).contains(Cidr.parse("169.254.0.0/16"), Cidr.parse("127.0.0.0/8"),
                    Cidr.parse("fe80::/10"), Cidr.parse("fc00::/7"), Cidr.parse("10.0.0.0/8"));
            assertThat(p.webhooks().retryFor()).isEqualTo(Duration.ofHours(24));
        });
    }

    @Test
    void apiKeysBindFromOneCommaSeparatedVariable() {
        runner.withPropertyValues("admin.security.api-keys=alice:operator:" + "a".repeat(64) + ",bob:viewer:" + "b".repeat(64))
                .run(context -> assertThat(context.getBean(AdminProperties.class).security().apiKeys())
                        .extracting(ApiKey::name).containsExactly("alice", "bob"));
    }

    @Test
    void badValuesStopStartUpNamingTheProblem() {
        assertFails("admin.security.api-keys=alice:admin:" + "a".repeat(64), "use viewer or operator");
        assertFails("admin.retention.request-log=1h", "retention periods must be at least one day");
        assertFails("admin.privacy.ipv4-prefix=33", "admin.privacy.ipv4Prefix");
        assertFails("admin.auto-block.duration=0s", "admin.auto-block.duration must be positive");
        assertFails("admin.auto-block.min-severity=huge", "huge");
        assertFails("admin.webhooks.allowed-destinations=10.0.0.0/33", "10.0.0.0/33");
        assertFails("admin.webhooks.first-retry=0s", "admin.webhooks durations must be positive");
        assertFails("admin.webhooks.concurrency=0", "admin.webhooks.concurrency");
    }

    private void assertFails(String property, String message) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).as(property).contains(message);
        });
    }
}
