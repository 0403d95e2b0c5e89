package io.iptracking.admin.privacy;

import io.iptracking.common.ip.ClientIp;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an erased IP is called afterwards: a keyed pseudonym, HMAC-SHA256 of the IP's text under a
 * secret key ({@code ADMIN_PSEUDONYM_KEY}), cut to 12 hex digits. Whoever holds the key can show that
 * an IP was erased, and when, by computing its pseudonym again; whoever does not cannot tell which
 * IP it was (without the key, trying all 2^32 IPv4 addresses is no help). A key is not kept in the
 * database, next to the pseudonyms.
 */
public final class Pseudonyms {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    /** @param key at least 32 bytes */
    public Pseudonyms(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a pseudonym key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** A key of this process only: pseudonyms made with it can be linked to no IP, not even later. */
    public static Pseudonyms unlinkable() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new Pseudonyms(key);
    }

    /** {@code erased-} and 12 hex digits; the same IP always gets the same one under one key. */
    public String of(ClientIp ip) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(ip.toString().getBytes(StandardCharsets.UTF_8));
            return "erased-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + ALGORITHM, e);
        }
    }

    /**
     * A PostgreSQL regular expression, to be matched without regard to case ({@code ~*}, flag
     * {@code i}), that finds the IP as a whole in free text, its single-address CIDR included, and
     * not inside a longer address or a wider range: {@code 192.0.2.1}, {@code ::ffff:192.0.2.1},
     * {@code 192.0.2.1:443} and {@code 192.0.2.1/32}, but not {@code 192.0.2.10} or {@code 192.0.2.1/24}.
     * IPv6 is found in its canonical text (RFC 5952), in either case.
     */
    public static String textPattern(ClientIp ip) {
        String text = ip.toString().replace(".", "\\.");
        return ip.isIpv4()
                ? "(?<![0-9.])" + text + "(/32)?(?![0-9]|\\.[0-9]|/[0-9])"
                : "(?<![0-9a-f:])" + text + "(/128)?(?![0-9a-f:]|/[0-9])";
    }
}
