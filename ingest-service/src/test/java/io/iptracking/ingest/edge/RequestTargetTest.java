package io.iptracking.ingest.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.ingest.edge.InvalidRequest.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {

    private static final int MAX = 8192;

    @ParameterizedTest(name = "{0} -> {1} (rules: {2})")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "null", textBlock = """
            /                           | /                        | /
            /login                      | /login                   | /login
            /login?user=x               | /login?user=x            | /login
            /Login                      | /Login                   | /login
            //admin//users              | /admin/users             | /admin/users
            /admin/                     | /admin/                  | /admin
            /a/./b                      | /a/b                     | /a/b
            /a/../admin                 | /admin                   | /admin
            /../../admin                | /admin                   | /admin
            /a/b/..                     | /a/                      | /a
            /a/.                        | /a/                      | /a
            /%61dmin                    | /admin                   | /admin
            /%2e%2e/admin               | /admin                   | /admin
            /x/%2E%2E/admin             | /admin                   | /admin
            /admin;jsessionid=1/x       | /admin;jsessionid=1/x    | /admin/x
            /;x/admin                   | /;x/admin                | /admin
            /login;                     | /login;                  | /login
            /login.                     | /login.                  | /login
            /login..                    | /login..                 | /login
            /login%20                   | /login%20                | /login
            /caf%C3%A9                  | /caf%C3%A9               | /café
            /café                       | /caf%C3%A9               | /café
            /a%20b                      | /a%20b                   | /a b
            /a%3Fb                      | /a%3Fb                   | /a?b
            /a%23b                      | /a%23b                   | /a#b
            /100%25                     | /100%25                  | /100%
            /a%3Bb                      | /a;b                     | /a
            /~user/it's                 | /~user/it's              | /~user/it's
            "/a|b"                      | /a%7Cb                   | "/a|b"
            /a?b=c%2Fd&e=%zz            | /a?b=c%2Fd&e=%25zz       | /a
            "/a?q=café|x"               | /a?q=caf%C3%A9%7Cx       | /a
            /a?                         | /a?                      | /a
            """)
    void canonicalizes(String raw, String forwarded, String rulePath) {
        RequestTarget target = RequestTarget.canonicalize(raw, MAX);
        assertThat(target.forwardedPathQuery()).isEqualTo(forwarded);
        assertThat(target.rulePath()).isEqualTo(rulePath);
        assertThat(RequestTarget.canonicalizeWithoutShortcut(raw)).isEqualTo(target);
        RequestTarget again = RequestTarget.canonicalize(target.forwardedPathQuery(), MAX);
        assertThat(again).as("what the upstream receives canonicalizes to itself and to the same rule path")
                .isEqualTo(target);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                   | NOT_ORIGIN_FORM
            login                | NOT_ORIGIN_FORM
            http://x/login       | NOT_ORIGIN_FORM
            /a%zz                | BAD_ENCODING
            /a%                  | BAD_ENCODING
            /a%4                 | BAD_ENCODING
            /a%2fb               | AMBIGUOUS_SEPARATOR
            /a%2Fb               | AMBIGUOUS_SEPARATOR
            /a%5cb               | AMBIGUOUS_SEPARATOR
            "/a\\b"              | BAD_CHARACTER
            /a#frag              | BAD_CHARACTER
            /a b                 | BAD_CHARACTER
            /a%00b               | CONTROL_CHARACTER
            /a%0d%0aSet-Cookie:x | CONTROL_CHARACTER
            /a%7f                | CONTROL_CHARACTER
            /a%C2%85             | CONTROL_CHARACTER
            /a%E2%80%A8          | CONTROL_CHARACTER
            /%C0%AF              | BAD_UTF8
            /%C0%AE%C0%AE/admin  | BAD_UTF8
            /%E0%80%AF           | BAD_UTF8
            /%ED%A0%80           | BAD_UTF8
            /%FF                 | BAD_UTF8
            /%C3                 | BAD_UTF8
            /..;/admin           | AMBIGUOUS_SEGMENT
            /.;x/admin           | AMBIGUOUS_SEGMENT
            /x/.../admin         | AMBIGUOUS_SEGMENT
            /x/.%20/admin        | AMBIGUOUS_SEGMENT
            /%252e%252e/admin    | DOUBLE_ENCODING
            /a%2541              | DOUBLE_ENCODING
            """)
    void refuses(String raw, Reason reason) {
        assertThatThrownBy(() -> RequestTarget.canonicalize(raw, MAX))
                .isInstanceOfSatisfying(InvalidRequest.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void theQueryIsPassedOnUndecoded() {
        // The application decodes its query itself; encoded line breaks there are its business.
        assertThat(RequestTarget.canonicalize("/a?x=%0d%0a&y=%2F", MAX).query()).isEqualTo("x=%0d%0a&y=%2F");
    }

    @Test
    void rawControlCharactersAreRefusedAnywhere() {
        for (String raw : new String[] {"/a\u0000", "/a\r\nX: y", "/a?q=\u0001", "/a\u0085", "/a\u2028", "/a\tb"}) {
            assertThatThrownBy(() -> RequestTarget.canonicalize(raw, MAX)).as(raw)
                    .isInstanceOfSatisfying(InvalidRequest.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONTROL_CHARACTER));
        }
        assertThatThrownBy(() -> RequestTarget.canonicalize("/a\uD800b", MAX))
                .isInstanceOfSatisfying(InvalidRequest.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_UTF8));
    }

    @Test
    void theWholeTargetIsCanonicalizedBeforeAnyLimit() {
        // The bypass this closes: "/." 1,030 times, then /login, used to be cut at 2,048 characters
        // before dot segments were resolved, so rules saw "/" while the upstream resolved /login.
        String padded = "/.".repeat(1030) + "/login";
        RequestTarget target = RequestTarget.canonicalize(padded, MAX);
        assertThat(target.rulePath()).isEqualTo("/login");
        assertThat(target.path()).isEqualTo("/login");
        assertThat(target.eventPath()).isEqualTo("/login");

        String deep = "/a".repeat(2000) + "/login";
        assertThat(RequestTarget.canonicalize(deep, MAX).rulePath()).endsWith("/login").hasSize(deep.length());
        assertThat(RequestTarget.canonicalize(deep, MAX).eventPath()).hasSize(RequestTarget.MAX_EVENT_PATH);
    }

    @Test
    void targetsLongerThanTheLimitAreRefusedWith414() {
        String atLimit = "/" + "a".repeat(MAX - 1);
        assertThat(RequestTarget.canonicalize(atLimit, MAX).path()).isEqualTo(atLimit);
        assertThatThrownBy(() -> RequestTarget.canonicalize(atLimit + "a", MAX))
                .isInstanceOfSatisfying(InvalidRequest.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TARGET_TOO_LONG);
                    assertThat(e.reason().status()).isEqualTo(414);
                });
    }

    @Test
    void anEventPathIsCutWithoutSplittingACharacter() {
        String path = "/" + "a".repeat(RequestTarget.MAX_EVENT_PATH - 2) + "\uD83D\uDE00";
        String eventPath = RequestTarget.canonicalize(path, MAX).eventPath();
        assertThat(eventPath).hasSize(RequestTarget.MAX_EVENT_PATH - 1).doesNotContain("\uD83D");
    }
}
