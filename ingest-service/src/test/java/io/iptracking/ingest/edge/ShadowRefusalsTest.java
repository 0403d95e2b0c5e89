package io.iptracking.ingest.edge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.bucket4j.TimeMeter;
import io.iptracking.common.event.Decision;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.lists.ClientLists;
import io.iptracking.ingest.ratelimit.Enforcement;
import io.iptracking.ingest.ratelimit.FakeTime;
import io.iptracking.ingest.ratelimit.FailMode;
import io.iptracking.ingest.ratelimit.LocalRateLimiter;
import io.iptracking.ingest.ratelimit.RateLimitOutcome;
import io.iptracking.ingest.ratelimit.RateLimitRule;
import io.iptracking.ingest.ratelimit.RateLimitRules;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ShadowRefusalsTest {

    static final RateLimitRule SHADOW = new RateLimitRule("try-login", List.of("/login"), Set.of(), 2, 4, null,
            Duration.ofMinutes(1), Enforcement.SHADOW, FailMode.OPEN);
    static final RateLimitOutcome REFUSED = new RateLimitOutcome(false, 2, 0, Duration.ofSeconds(60), Duration.ofSeconds(30), false);

    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(ShadowRefusals.class);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void aShadowRuleLetsTheRequestThroughAndSaysWhatItWouldHaveRefused() {
        EdgePolicy policy = new EdgePolicy(new ClientLists(), new RateLimitRules(List.of(SHADOW)),
                new LocalRateLimiter(100, Duration.ofMinutes(5), TimeMeter.SYSTEM_MILLISECONDS), null, null, Clock.systemUTC(),
                new FakeTime());
        EdgeRequest request = new EdgeRequest(ClientIp.parse("203.0.113.9"), ClientIp.parse("203.0.113.9"), "POST", "example.test",
                RequestTarget.canonicalize("/login", 8192), null, "curl/8");
        for (int i = 1; i <= 2; i++) {
            EdgeDecision decision = policy.decide(request).join();
            assertThat(decision.decision()).isEqualTo(Decision.ALLOWED);
            assertThat(decision.shadowRefusal()).isFalse();
        }
        assertThat(lines.list).isEmpty();

        EdgeDecision third = policy.decide(request).join();
        assertThat(third.decision()).isEqualTo(Decision.ALLOWED);
        assertThat(third.shadowRefusal()).isTrue();
        assertThat(third.rule()).isEqualTo("try-login");
        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("Shadow rule 'try-login' would have refused 1 request(s)", "try-login:ip:203.0.113.9",
                        "limit 2 per PT1M", "let through");
    }

    @Test
    void aClientHammeringAShadowRuleCostsTheLogOneLineASecond() {
        FakeTime now = new FakeTime();
        ShadowRefusals refusals = new ShadowRefusals(now);
        for (int i = 0; i < 1_000; i++) {
            refusals.refused(SHADOW, "try-login:ip:198.51.100." + (i % 7), REFUSED);
            now.advance(Duration.ofMillis(1).minusNanos(1));
        }
        // A line at the first refusal, then none until a second has passed: the clock now stands 1 µs
        // short of it, and the next refusal comes exactly then.
        assertThat(lines.list).hasSize(1);
        now.advance(Duration.ofNanos(1_000));
        refusals.refused(SHADOW, "try-login:ip:198.51.100.99", REFUSED);
        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(0).getFormattedMessage()).contains("refused 1 request(s)", "198.51.100.0");
        assertThat(lines.list.get(1).getFormattedMessage()).contains("refused 1000 request(s)", "198.51.100.99",
                "next token in 30000 ms");

        RateLimitRule other = new RateLimitRule("admin", List.of("/admin/**"), Set.of(), 2, 4, null, Duration.ofMinutes(1),
                Enforcement.SHADOW, FailMode.OPEN);
        refusals.refused(other, "admin:ip:198.51.100.1", REFUSED);
        assertThat(lines.list).as("each rule has its own line").hasSize(3);
    }
}
