package io.iptracking.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.Cidr;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.core.convert.converter.Converter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Start-up refuses configuration that breaks its constraints, naming the property. */
class IngestPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(IngestProperties.class)
    static class Bound {
    }

    @Configuration(proxyBeanMethods = false)
    static class CidrBinding {
        @Bean
        @ConfigurationPropertiesBinding
        static Converter<String, Cidr> cidr() {
            return Cidr::parse;
        }
    }

    final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void aValidRuleIsBound() {
        context.withPropertyValues("ingest.rate-limit.rules[0].name=api", "ingest.rate-limit.rules[0].paths=/api/**",
                        "ingest.rate-limit.rules[0].anonymous-limit=60", "ingest.rate-limit.rules[0].authenticated-limit=600")
                .run(c -> assertThat(c.getBean(IngestProperties.class).rateLimit().effectiveRules())
                        .singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("api")));
    }

    @Test
    void everyRuleInTheListIsValidated() {
        context.withPropertyValues("ingest.rate-limit.rules[0].name=api", "ingest.rate-limit.rules[0].paths=/api/**",
                        "ingest.rate-limit.rules[0].anonymous-limit=60", "ingest.rate-limit.rules[0].authenticated-limit=600",
                        "ingest.rate-limit.rules[1].name= ", "ingest.rate-limit.rules[1].paths=/login",
                        "ingest.rate-limit.rules[1].anonymous-limit=0", "ingest.rate-limit.rules[1].authenticated-limit=10")
                .run(c -> assertThat(c).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("rules[1].name")
                        .hasMessageContaining("rules[1].anonymousLimit"));
    }

    @Test
    void checkModeWithoutATrustedProxyDoesNotStartUnlessAnyCallerIsAllowed() {
        context.withPropertyValues("ingest.mode=CHECK")
                .run(c -> assertThat(c).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("INGEST_MODE=CHECK answers only trusted proxies")
                        .hasMessageContaining("INGEST_TRUSTED_PROXIES")
                        .hasMessageContaining("INGEST_CHECK_ALLOW_ANY_CALLER"));
        context.withPropertyValues("ingest.mode=CHECK", "ingest.client-ip.trusted-proxies=10.0.0.0/8")
                .withUserConfiguration(CidrBinding.class)
                .run(c -> assertThat(c).hasNotFailed());
        context.withPropertyValues("ingest.mode=CHECK", "ingest.check.allow-any-caller=true")
                .run(c -> assertThat(c).hasNotFailed());
    }

    @Test
    void theHeaderBufferMustHoldTheLongestTarget() {
        context.withPropertyValues("ingest.request.max-target-length=20000")
                .run(c -> assertThat(c).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("ingest.request.max-header-bytes"));
    }
}
