package io.iptracking.detection.window;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The distinct values (paths, user agents) a client used recently, as 64-bit digests, each with the
 * event time it was last used; at most {@code capacity}, the least recently used forgotten first. A
 * count of distinct values since some time is exact up to the capacity and saturates there.
 *
 * <p>Digests rather than the strings keep a client's state small whatever it sends; they are the
 * first 8 bytes of SHA-256, so a client cannot choose values that collide to hide how many distinct
 * ones it used (a 64-bit digest collides by chance once in about 2^32 pairs of a single client).
 */
final class RecentKeys {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private int capacity;
    private long[] keys;
    private long[] lastAt;
    private int size;

    RecentKeys(int capacity) {
        this.capacity = capacity;
        this.keys = new long[Math.min(capacity, 8)];
        this.lastAt = new long[keys.length];
    }

    /** The digest a value is kept as. */
    static long digest(String value) {
        byte[] d = SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[i] & 0xFF);
        }
        return v;
    }

    /** Records that {@code key} was used at {@code at}. */
    void touch(long key, long at) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                lastAt[i] = Math.max(lastAt[i], at);
                return;
            }
        }
        if (size < capacity) {
            restore(key, at);
            return;
        }
        int oldest = 0;
        for (int i = 1; i < size; i++) {
            if (lastAt[i] < lastAt[oldest]) {
                oldest = i;
            }
        }
        if (at > lastAt[oldest]) {
            keys[oldest] = key;
            lastAt[oldest] = at;
        }
    }

    /** Appends a value read back from the state format, which holds no duplicates. */
    void restore(long key, long at) {
        if (size == capacity) {
            return;
        }
        if (size == keys.length) {
            int grown = Math.min(capacity, keys.length * 2);
            keys = Arrays.copyOf(keys, grown);
            lastAt = Arrays.copyOf(lastAt, grown);
        }
        keys[size] = key;
        lastAt[size++] = at;
    }

    /** How many distinct values were used at or after {@code from}; at most the capacity. */
    int countSince(long from) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (lastAt[i] >= from) {
                n++;
            }
        }
        return n;
    }

    /** Forgets the values last used before {@code from}. */
    void forgetBefore(long from) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (lastAt[i] >= from) {
                keys[kept] = keys[i];
                lastAt[kept++] = lastAt[i];
            }
        }
        size = kept;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Raises the capacity (never lowers it: what is kept stays). */
    void grow(int to) {
        capacity = Math.max(capacity, to);
    }

    long key(int i) {
        return keys[i];
    }

    long lastAt(int i) {
        return lastAt[i];
    }
}
