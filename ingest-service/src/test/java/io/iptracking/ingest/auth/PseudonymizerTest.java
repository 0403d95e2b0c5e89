package io.iptracking.ingest.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PseudonymizerTest {

    /** RFC 4231 test cases 6 and 7 use a 131-byte key, 0xaa repeated: long enough for our minimum. */
    private static final byte[] RFC4231_KEY = filled(131, 0xaa);

    private static final String SECRET = "correct-horse-battery-staple-0123";

    @Test
    void matchesRfc4231TestCase6() {
        assertThat(new Pseudonymizer(RFC4231_KEY).pseudonymize("Test Using Larger Than Block-Size Key - Hash Key First"))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void matchesRfc4231TestCase7() {
        assertThat(new Pseudonymizer(RFC4231_KEY).pseudonymize("This is a test using a larger than block-size key"
                + " and a larger than block-size data. The key needs to be hashed before being used by the HMAC"
                + " algorithm."))
                .isEqualTo("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    }

    /** Expected values from {@code printf '%s' VALUE | openssl dgst -sha256 -hmac SECRET}. */
    @Test
    void aTextSecretIsUsedAsItsUtf8BytesLikeOpenssl() {
        Pseudonymizer p = Pseudonymizer.ofSecret(SECRET);
        assertThat(p.pseudonymize("user-42@example.com"))
                .isEqualTo("f227932387c0cd3b5b32bf50ce84bd98ea8e9602b45c26d7c4cf520bb5f43e33");
        assertThat(p.pseudonymize("jürgen"))
                .isEqualTo("2da28e6c85002efef096414e6aa5248437a5439343823d89780fcbf019d15c22");
    }

    @Test
    void anotherSecretGivesAnotherPseudonym() {
        assertThat(Pseudonymizer.ofSecret(SECRET + "x").pseudonymize("user-42@example.com"))
                .isNotEqualTo(Pseudonymizer.ofSecret(SECRET).pseudonymize("user-42@example.com"));
    }

    @Test
    void refusesASecretShorterThan32Bytes() {
        assertThatThrownBy(() -> new Pseudonymizer(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the pseudonymization secret must be at least 32 bytes, was 31 bytes;"
                        + " generate one with: openssl rand -base64 48");
        assertThatThrownBy(() -> Pseudonymizer.ofSecret("too-short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the pseudonymization secret must be at least 32 bytes, was 9 bytes;"
                        + " generate one with: openssl rand -base64 48");
        assertThatThrownBy(() -> Pseudonymizer.ofSecret(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the pseudonymization secret must be at least 32 bytes, was missing;"
                        + " generate one with: openssl rand -base64 48");
    }

    @Test
    void theMinimumCountsBytesNotCharacters() {
        // 16 characters, 32 UTF-8 bytes.
        String umlauts = "ü".repeat(16);
        assertThat(umlauts.getBytes(UTF_8)).hasSize(32);
        assertThat(Pseudonymizer.ofSecret(umlauts).pseudonymize("x")).hasSize(64);
        assertThat(new Pseudonymizer(new byte[32]).pseudonymize("x")).hasSize(64);
    }

    @Test
    void laterChangesToTheCallersKeyArrayDoNotMatter() {
        byte[] key = RFC4231_KEY.clone();
        Pseudonymizer p = new Pseudonymizer(key);
        Arrays.fill(key, (byte) 0);
        assertThat(p.pseudonymize("Test Using Larger Than Block-Size Key - Hash Key First"))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void givesTheSameResultFromManyThreadsAtOnce() throws Exception {
        Pseudonymizer p = Pseudonymizer.ofSecret(SECRET);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String value = i % 2 == 0 ? "user-42@example.com" : "jürgen";
                results.add(pool.submit(() -> p.pseudonymize(value)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(i % 2 == 0
                        ? "f227932387c0cd3b5b32bf50ce84bd98ea8e9602b45c26d7c4cf520bb5f43e33"
                        : "2da28e6c85002efef096414e6aa5248437a5439343823d89780fcbf019d15c22");
            }
        }
    }

    @Test
    void neverPrintsTheSecret() {
        assertThat(Pseudonymizer.ofSecret(SECRET).toString()).doesNotContain(SECRET).isEqualTo("Pseudonymizer[HmacSHA256]");
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
