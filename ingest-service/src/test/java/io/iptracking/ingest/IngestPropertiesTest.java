package io.iptracking.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Start-up refuses a rate-limit rule that breaks its constraints, naming the property. */
class IngestPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(IngestProperties.class)
    static class Bound {
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
}
