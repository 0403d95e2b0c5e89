package io.iptracking.ingest.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            /                          | /
            ""                         | /
            /login                     | /login
            /login?user=x              | /login
            /login#frag                | /login
            /Login                     | /login
            //admin//users             | /admin/users
            /admin/                    | /admin
            /a/./b                     | /a/b
            /a/../admin                | /admin
            /../../admin               | /admin
            /%61dmin                   | /admin
            /%2e%2e/admin              | /admin
            /admin%2fusers             | /admin/users
            /admin;jsessionid=1/x      | /admin/x
            /caf%C3%A9                 | /café
            /bad%zzescape              | /bad%zzescape
            /trailing%                 | /trailing%
            """)
    void normalizes(String raw, String expected) {
        assertThat(RequestPath.normalize(raw)).isEqualTo(expected);
    }

    @Test
    void boundsLongPaths() {
        assertThat(RequestPath.normalize("/" + "a".repeat(100_000))).hasSize(RequestPath.MAX_LENGTH);
    }
}
