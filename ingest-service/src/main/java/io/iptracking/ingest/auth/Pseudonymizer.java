package io.iptracking.ingest.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces an identifier (a user id, an e-mail address) by a keyed hash, so events can be correlated
 * per user without holding who the user is: HMAC-SHA256 with a secret key, rendered as 64 lower-case
 * hex digits. Hex, because it is what {@code openssl dgst -sha256 -hmac} prints, so an operator can
 * compute the pseudonym of a known user by hand to search for it.
 *
 * <p>Unlike a plain hash, the value cannot be reversed by hashing candidate ids without the secret.
 * The same secret must be configured on every instance, and changing it breaks the link to older
 * pseudonyms. Values are hashed as UTF-8.
 *
 * <p>Thread-safe: each call works on its own copy of a keyed {@link Mac}.
 */
public final class Pseudonymizer {

    /** Shortest accepted secret: as long as the hash, the strength RFC 2104 recommends for HMAC keys. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";

    private final Mac prototype;

    /**
     * @param secret the key, at least {@value #MIN_SECRET_BYTES} bytes; random bytes are best
     * @throws IllegalArgumentException if the secret is too short
     */
    public Pseudonymizer(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the pseudonymization secret must be at least " + MIN_SECRET_BYTES
                    + " bytes, was " + (secret == null ? "missing" : secret.length + " bytes")
                    + "; generate one with: openssl rand -base64 48");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            this.prototype = mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides " + ALGORITHM, e);
        }
        // Fail at start-up, not on the first request, if the runtime's provider cannot clone.
        mac();
    }

    /**
     * A secret given as text (e.g. from configuration): its UTF-8 bytes are the key, so it needs at
     * least {@value #MIN_SECRET_BYTES} of them.
     *
     * @throws IllegalArgumentException if the secret is too short
     */
    public static Pseudonymizer ofSecret(String secret) {
        if (secret == null) {
            return new Pseudonymizer((byte[]) null);
        }
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        try {
            return new Pseudonymizer(key);
        } finally {
            // SecretKeySpec keeps its own copy.
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The pseudonym of {@code value}: HMAC-SHA256 of its UTF-8 bytes, as 64 lower-case hex digits. */
    public String pseudonymize(String value) {
        if (value == null) {
            throw new NullPointerException("value to pseudonymize must not be null");
        }
        return HexFormat.of().formatHex(mac().doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A Mac is stateful and not thread-safe. Cloning the keyed prototype (never used itself, so only
     * ever read) is cheaper than a provider look-up and key set-up per call, and, unlike a
     * ThreadLocal, costs nothing per virtual thread.
     */
    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(ALGORITHM + " of this Java runtime cannot be cloned", e);
        }
    }

    @Override
    public String toString() {
        // Never the secret.
        return "Pseudonymizer[" + ALGORITHM + "]";
    }
}
