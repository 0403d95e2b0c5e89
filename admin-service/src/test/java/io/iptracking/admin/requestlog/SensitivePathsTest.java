package io.iptracking.admin.requestlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SensitivePathsTest {

    final SensitivePaths paths = new SensitivePaths(List.of("/login", "/admin/**", "/.env"));

    @Test
    void matchesExactPathsAndSubtrees() {
        assertThat(paths.matches("/login")).isTrue();
        assertThat(paths.matches("/admin")).isTrue();
        assertThat(paths.matches("/admin/users/7")).isTrue();
        assertThat(paths.matches("/.env")).isTrue();
    }

    @Test
    void otherPathsAndOddInputDoNotMatch() {
        assertThat(paths.matches("/login2")).isFalse();
        assertThat(paths.matches("/shop/admin")).isFalse();
        assertThat(paths.matches("")).isFalse();
        assertThat(paths.matches("login")).isFalse();
        assertThat(paths.matches(null)).isFalse();
        assertThat(new SensitivePaths(List.of()).matches("/login")).isFalse();
    }

    @Test
    void aBadPatternStopsStartUpNamingIt() {
        assertThatThrownBy(() -> new SensitivePaths(List.of("/a/**/b/**")))
                .hasMessageStartingWith("admin.request-log.sensitive-paths: '/a/**/b/**' is not a path pattern");
    }
}
