package io.iptracking.admin.lists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import io.iptracking.admin.web.InvalidFieldException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntryRequestsTest {

    static final Instant NOW = Instant.parse("2026-05-04T10:00:00Z");

    @Test
    void aBareIpBecomesASingleAddressRangeAndTheReasonIsTrimmed() {
        NewEntry e = validate("203.0.113.7", "  scanner  ", null, null);
        assertThat(e.cidr()).isEqualTo(Cidr.parse("203.0.113.7/32"));
        assertThat(e.reason()).isEqualTo("scanner");
        assertThat(e.expiresAt()).isNull();
        assertThat(e.lifetime()).isNull();
    }

    @Test
    void hostBitsAreClearedAndIpv4MappedIsFolded() {
        assertThat(validate("10.1.2.3/8", "r", null, null).cidr()).hasToString("10.0.0.0/8");
        assertThat(validate("::ffff:192.0.2.1", "r", null, null).cidr()).hasToString("192.0.2.1/32");
    }

    @Test
    void aDurationIsALifetimeAndAnExpiryAnInstant() {
        assertThat(validate("192.0.2.1", "r", "24h", null).lifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(validate("192.0.2.1", "r", "PT30M", null).lifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(validate("192.0.2.1", "r", "7d", null).lifetime()).isEqualTo(Duration.ofDays(7));
        assertThat(validate("192.0.2.1", "r", null, "2026-05-04T10:00:01Z").expiresAt()).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void anExpiryAtNowIsNotInTheFuture() {
        assertInvalid(() -> validate("192.0.2.1", "r", null, "2026-05-04T10:00:00Z"), "expiresAt", "is not in the future");
    }

    @Test
    void theParsersReasonIsPassedThrough() {
        assertInvalid(() -> validate("10.0.0.0/33", "r", null, null), "cidr",
                "prefix length 33 is out of range for IPv4 (0-32)");
        assertInvalid(() -> validate("", "r", null, null), "cidr", "is required: an IP address or a CIDR range");
    }

    @Test
    void durationsMustBePositiveAndBounded() {
        assertInvalid(() -> validate("192.0.2.1", "r", "-1h", null), "duration", "must be positive");
        assertInvalid(() -> validate("192.0.2.1", "r", "4000d", null), "duration",
                "is longer than 10 years; leave it out for a permanent entry");
    }

    @Test
    void aReasonOfExactlyTheLimitIsAccepted() {
        assertThat(validate("192.0.2.1", "x".repeat(500), null, null).reason()).hasSize(500);
        assertInvalid(() -> validate("192.0.2.1", "x".repeat(501), null, null), "reason", "is longer than 500 characters");
    }

    private static NewEntry validate(String cidr, String reason, String duration, String expiresAt) {
        return EntryRequests.validate(cidr, ListAction.BLOCK, reason, duration, expiresAt, ListSource.MANUAL, "alice", NOW);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }
}
