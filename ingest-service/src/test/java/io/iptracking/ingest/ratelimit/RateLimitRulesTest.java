package io.iptracking.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.ip.ClientIp;
import io.iptracking.ingest.edge.RequestTarget;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RateLimitRulesTest {

    static RateLimitRule sensitive() {
        return new RateLimitRule("sensitive", List.of("/login", "/admin/**"), Set.of(), 5, 10, null,
                Duration.ofMinutes(1), Enforcement.ENFORCE, FailMode.OPEN);
    }

    private final RateLimitRule api = new RateLimitRule("api-writes", List.of("/api/**"), Set.of("post", "PUT"), 100, 1000, null,
            Duration.ofMinutes(1), Enforcement.SHADOW, FailMode.CLOSED);
    private final RateLimitRules rules = new RateLimitRules(List.of(sensitive(), api));

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            GET    | /login               | sensitive
            POST   | /login               | sensitive
            GET    | /login/              | sensitive
            GET    | /LOGIN               | sensitive
            GET    | //login              | sensitive
            GET    | /x/../login          | sensitive
            GET    | /%6cogin             | sensitive
            GET    | /login;jsessionid=1  | sensitive
            GET    | /login?next=/        | sensitive
            GET    | /admin               | sensitive
            GET    | /admin/users/7       | sensitive
            GET    | /Admin/Users         | sensitive
            GET    | /loginx              | none
            GET    | /administrator       | none
            GET    | /                    | none
            POST   | /api/orders          | api-writes
            PUT    | /api/orders/1        | api-writes
            GET    | /api/orders          | none
            """)
    void firstMatchingRuleCountsTheRequest(String method, String rawPath, String expected) {
        assertThat(rules.match(method, RequestTarget.canonicalize(rawPath, 8192).rulePath()).map(RateLimitRule::name).orElse(null))
                .isEqualTo(expected);
    }

    @Test
    void limitDependsOnAuthentication() {
        assertThat(sensitive().limit(false).capacity()).isEqualTo(5);
        assertThat(sensitive().limit(true).capacity()).isEqualTo(10);
        assertThat(api.limit(true).whenStoreDown()).isEqualTo(FailMode.CLOSED);
    }

    @Test
    void bucketKeysFollowTheSubjectOrTheIpWithIpv6PerSlash64() {
        RateLimitRule rule = sensitive();
        assertThat(rule.bucketKey(ClientIp.parse("203.0.113.7"), null)).isEqualTo("sensitive:ip:203.0.113.7");
        assertThat(rule.bucketKey(ClientIp.parse("2001:db8:1:2:aaaa::1"), null)).isEqualTo("sensitive:ip:2001:db8:1:2::/64");
        assertThat(rule.bucketKey(ClientIp.parse("2001:db8:1:2:bbbb::9"), null)).isEqualTo("sensitive:ip:2001:db8:1:2::/64");
        assertThat(rule.bucketKey(ClientIp.parse("203.0.113.7"), "u-42")).isEqualTo("sensitive:sub:u-42");
    }

    @Test
    void rejectsBadRules() {
        assertThatThrownBy(() -> new RateLimitRule("bad name", List.of("/x"), Set.of(), 1, 1, null, Duration.ofMinutes(1),
                Enforcement.ENFORCE, FailMode.OPEN))
                .hasMessage("a rule name must be 1-64 letters, digits, '-' or '_' (it appears in headers and keys), was 'bad name'");
        assertThatThrownBy(() -> new RateLimitRule("r", List.of(), Set.of(), 1, 1, null, Duration.ofMinutes(1),
                Enforcement.ENFORCE, FailMode.OPEN))
                .hasMessage("rule 'r' needs at least one path pattern");
        assertThatThrownBy(() -> new RateLimitRule("r", List.of("admin"), Set.of(), 1, 1, null, Duration.ofMinutes(1),
                Enforcement.ENFORCE, FailMode.OPEN))
                .hasMessage("rule 'r': path pattern 'admin' must start with '/'");
        assertThatThrownBy(() -> new RateLimitRule("r", List.of("/x"), Set.of(), 0, 1, null, Duration.ofMinutes(1),
                Enforcement.ENFORCE, FailMode.OPEN))
                .hasMessage("a limit must allow at least 1 request, was 0");
        assertThatThrownBy(() -> new RateLimitRule("r", List.of("/x"), Set.of(), 1, 1, null, Duration.ZERO,
                Enforcement.ENFORCE, FailMode.OPEN))
                .hasMessage("a limit's period must be positive, was PT0S");
        assertThatThrownBy(() -> new RateLimitRules(List.of(sensitive(), sensitive())))
                .hasMessage("rate-limit rule names must be unique");
    }
}
