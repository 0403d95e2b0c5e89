package io.iptracking.common.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One configured API key: who it belongs to, what it may do, and the SHA-256 of the key. The key
 * itself is never configured or stored: keys are long random tokens, so an unsalted hash is enough
 * to make a leaked configuration useless, and comparing hashes takes constant time.
 *
 * <p>Configured as {@code name:role:sha256hex}; {@code deploy/local/admin.sh new-api-key
 * <name> <role>} prints a fresh key and its line.
 *
 * @param name the actor recorded in the audit log
 * @param role what the key may do
 * @param sha256 the SHA-256 of the key, 32 bytes
 */
public record ApiKey(String name, Role role, byte[] sha256) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public ApiKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("API key name '" + name
                    + "' must be 1-64 letters, digits or . _ @ -");
        }
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("API key '" + name + "' needs the SHA-256 of the key: 64 hex digits");
        }
        sha256 = sha256.clone();
    }

    /**
     * Parses {@code name:role:sha256hex}.
     *
     * @throws IllegalArgumentException naming what is wrong, never echoing the hash
     */
    public static ApiKey parse(String text) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("an API key is configured as name:role:sha256hex (role viewer or operator)");
        }
        Role role;
        try {
            role = Role.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("API key '" + parts[0] + "' has role '" + parts[1]
                    + "'; use viewer or operator");
        }
        byte[] hash;
        try {
            hash = HexFormat.of().parseHex(parts[2].trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("API key '" + parts[0] + "' needs the SHA-256 of the key: 64 hex digits");
        }
        return new ApiKey(parts[0].trim(), role, hash);
    }

    /** A fresh random key (256 bits, URL-safe text). */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "ipt_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The configuration line for this key. */
    public String toConfig() {
        return name + ":" + role.name().toLowerCase(Locale.ROOT) + ":" + HexFormat.of().formatHex(sha256);
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey k && name.equals(k.name) && role == k.role && MessageDigest.isEqual(sha256, k.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, role);
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + ", " + role + "]";
    }
}
