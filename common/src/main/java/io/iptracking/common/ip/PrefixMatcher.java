package io.iptracking.common.ip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Longest-prefix matcher over CIDR entries (IPv4 and IPv6, each with a value and an optional expiry):
 * the edge's block/allow list. {@link #lookup} answers which entry covers an address: the most
 * specific one that has not expired.
 *
 * <p><b>Expiry.</b> An entry with {@code expiresAt = T} matches while {@code now < T}; at {@code T}
 * it has expired (the instant is exclusive). Expired entries are skipped by lookups, so a shorter
 * unexpired entry that covers the address answers instead, and stay in memory until
 * {@link #removeExpired} or {@link #remove} drops them. The matcher never reads a clock.
 *
 * <p><b>Threading.</b> Lookups may run on any number of threads at any time, concurrently with
 * writes, and never block unless a write is modifying the table at that very moment. Writes
 * ({@link #put}, {@link #remove}, {@link #removeExpired}) are serialized internally, so several
 * writer threads are safe, but the intended use is one writer (the list consumer). Every lookup sees
 * the state between two single-entry writes, never a half-applied one.
 *
 * @param <V> the value stored with each entry (e.g. the list entry itself)
 */
public final class PrefixMatcher<V> {

    /**
     * The entry that covers a looked-up address.
     *
     * @param cidr the entry's range
     * @param value the value stored with it
     * @param expiresAt when it stops matching (exclusive), or null if it never expires
     */
    public record Match<V>(Cidr cidr, V value, Instant expiresAt) {

        public Match {
            Objects.requireNonNull(cidr, "cidr");
            Objects.requireNonNull(value, "value");
        }

        /** True when this entry still matches at {@code now}, that is {@code now < expiresAt}. */
        public boolean isActiveAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }
    }

    private static final int MIN_CAPACITY = 16;

    /** Serializes writers; held for the whole of a write, including rebuilding a table. */
    private final ReentrantLock writerLock = new ReentrantLock();
    /** Guards the tables against readers: writers take it only while they change what readers see. */
    private final StampedLock lock = new StampedLock();

    private V4Table v4;
    private V6Table v6;
    private volatile int size;
    /** A lower bound of every live expiry, or null: removeExpired skips its scan before it. */
    private Instant earliestExpiry;

    /** An empty matcher; its tables grow as entries are added. */
    public PrefixMatcher() {
        this.v4 = new V4Table(MIN_CAPACITY);
        this.v6 = new V6Table(MIN_CAPACITY);
    }

    /**
     * Adds an entry, or replaces the value and expiry of the entry with the same range.
     *
     * @param expiresAtOrNull when the entry stops matching (exclusive), or null for never
     * @return true if the range was new, false if an existing entry was replaced
     */
    public boolean put(Cidr cidr, V value, Instant expiresAtOrNull) {
        Match<V> match = new Match<>(cidr, value, expiresAtOrNull);
        writerLock.lock();
        try {
            Table table = tableFor(cidr.version());
            int slot = table.find(cidr);
            if (slot >= 0) {
                long stamp = lock.writeLock();
                try {
                    table.matches[slot] = match;
                } finally {
                    lock.unlockWrite(stamp);
                }
            } else {
                if (table.size >= table.maxSize) {
                    table = replace(table, table.rehash(table.capacity() * 2));
                }
                long stamp = lock.writeLock();
                try {
                    table.insert(cidr, match);
                    size = size + 1;
                } finally {
                    lock.unlockWrite(stamp);
                }
            }
            if (expiresAtOrNull != null && (earliestExpiry == null || expiresAtOrNull.isBefore(earliestExpiry))) {
                earliestExpiry = expiresAtOrNull;
            }
            return slot < 0;
        } finally {
            writerLock.unlock();
        }
    }

    /** Removes the entry with exactly this range; returns whether there was one. */
    public boolean remove(Cidr cidr) {
        writerLock.lock();
        try {
            return removeLocked(cidr);
        } finally {
            writerLock.unlock();
        }
    }

    /**
     * Removes every entry that has expired at {@code now} ({@code expiresAt <= now}) and returns how
     * many. Scans all entries unless no entry can have expired yet; readers are blocked only for one
     * removal at a time.
     */
    public int removeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        writerLock.lock();
        try {
            if (earliestExpiry == null || now.isBefore(earliestExpiry)) {
                return 0;
            }
            List<Cidr> expired = new ArrayList<>();
            Instant earliestLeft = null;
            for (Table table : List.of(v4, v6)) {
                for (Match<?> m : table.matches) {
                    if (m == null || m.expiresAt() == null) {
                        continue;
                    }
                    if (!m.isActiveAt(now)) {
                        expired.add(m.cidr());
                    } else if (earliestLeft == null || m.expiresAt().isBefore(earliestLeft)) {
                        earliestLeft = m.expiresAt();
                    }
                }
            }
            for (Cidr cidr : expired) {
                removeLocked(cidr);
            }
            earliestExpiry = earliestLeft;
            return expired.size();
        } finally {
            writerLock.unlock();
        }
    }

    /** How many entries are held, expired or not. */
    public int size() {
        return size;
    }

    /**
     * The most specific entry covering {@code ip} that is active at {@code now}, if any. Entries of the
     * other IP version never match. Allocates nothing when nothing matches.
     */
    public Optional<Match<V>> lookup(ClientIp ip, Instant now) {
        Objects.requireNonNull(now, "now");
        boolean ipv4 = ip.isIpv4();
        long high = ip.high();
        long low = ip.low();
        // Optimistic read: no write to shared memory on the hot path. A concurrent write may make the
        // probe read a torn state; validate() detects it and the read is redone under the read lock.
        long stamp = lock.tryOptimisticRead();
        Match<?> match = ipv4 ? v4.lookup(low, now) : v6.lookup(high, low, now);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                match = ipv4 ? v4.lookup(low, now) : v6.lookup(high, low, now);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        @SuppressWarnings("unchecked") // only put(Cidr, V, Instant) stores matches
        Match<V> typed = (Match<V>) match;
        return typed == null ? Optional.empty() : Optional.of(typed);
    }

    private Table tableFor(IpVersion version) {
        return version == IpVersion.IPV4 ? v4 : v6;
    }

    private Table replace(Table old, Table rebuilt) {
        long stamp = lock.writeLock();
        try {
            if (old == v4) {
                v4 = (V4Table) rebuilt;
            } else {
                v6 = (V6Table) rebuilt;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        return rebuilt;
    }

    private boolean removeLocked(Cidr cidr) {
        Table table = tableFor(cidr.version());
        int slot = table.find(cidr);
        if (slot < 0) {
            return false;
        }
        long stamp = lock.writeLock();
        try {
            table.delete(slot, cidr.prefixLength());
            size = size - 1;
        } finally {
            lock.unlockWrite(stamp);
        }
        return true;
    }

    /**
     * An open-addressing hash table (linear probing, backward-shift deletion, no tombstones) keyed by
     * (network, prefix length), with the set of prefix lengths present so a lookup probes only those.
     * Writers mutate it only under the write lock; readers may read it while it is being mutated and
     * must then discard what they read, so every reader loop is bounded and tolerates torn slots.
     */
    private abstract static sealed class Table permits V4Table, V6Table {

        /** At most this share of slots is used, which keeps probe sequences short. */
        private static final double MAX_LOAD = 0.6;

        final Match<?>[] matches;
        final int shift;
        final int maxSize;
        final int[] countByLength;
        /** Bit p of word p / 64 is set while an entry of prefix length p is present. */
        final long[] lengths = new long[3];
        int size;

        Table(int capacity, int maxPrefix) {
            matches = new Match<?>[capacity];
            shift = 64 - Integer.numberOfTrailingZeros(capacity);
            maxSize = (int) (capacity * MAX_LOAD);
            countByLength = new int[maxPrefix + 1];
        }

        final int capacity() {
            return matches.length;
        }

        /** The slot of {@code cidr}, or -1. Writers only. */
        abstract int find(Cidr cidr);

        /** Stores a new key in its first free slot. */
        abstract void insert(Cidr cidr, Match<?> match);

        /** The slot where the key now in {@code slot} would start probing. */
        abstract int home(int slot);

        abstract boolean isFree(int slot);

        /** Moves key and match from one slot to another, leaving {@code from} as it was. */
        abstract void move(int from, int to);

        abstract void clear(int slot);

        abstract Table newTable(int capacity);

        /** A copy of this table with {@code capacity} slots; this one is left untouched for readers. */
        final Table rehash(int capacity) {
            Table t = newTable(capacity);
            for (Match<?> m : matches) {
                if (m != null) {
                    t.insert(m.cidr(), m);
                }
            }
            return t;
        }

        final void added(int prefixLength) {
            size++;
            if (countByLength[prefixLength]++ == 0) {
                lengths[prefixLength >>> 6] |= 1L << prefixLength;
            }
        }

        /** Deletes the key in {@code slot}, shifting later keys of its probe sequence back. */
        final void delete(int slot, int prefixLength) {
            int mask = capacity() - 1;
            int hole = slot;
            for (int j = (hole + 1) & mask; !isFree(j); j = (j + 1) & mask) {
                // The key in j may fill the hole unless its home lies cyclically in (hole, j].
                if (((j - home(j)) & mask) >= ((j - hole) & mask)) {
                    move(j, hole);
                    hole = j;
                }
            }
            clear(hole);
            size--;
            if (--countByLength[prefixLength] == 0) {
                lengths[prefixLength >>> 6] &= ~(1L << prefixLength);
            }
        }

        static Match<?> activeOrNull(Match<?> m, Instant now) {
            // m is null only in a torn read; the caller's validation then discards the result.
            return m != null && m.isActiveAt(now) ? m : null;
        }
    }

    /** IPv4: one long per slot, {@code (prefix + 1) << 32 | network}, so 0 marks a free slot. */
    private static final class V4Table extends Table {

        final long[] keys;

        V4Table(int capacity) {
            super(capacity, 32);
            keys = new long[capacity];
        }

        static long key(long network, int prefixLength) {
            return ((long) (prefixLength + 1) << 32) | network;
        }

        static int hash(long key, int shift) {
            // Fibonacci hashing: the top bits of the product depend on every bit of the key.
            return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> shift);
        }

        Match<?> lookup(long address, Instant now) {
            long[] keys = this.keys;
            Match<?>[] matches = this.matches;
            int shift = this.shift;
            int mask = keys.length - 1;
            long remaining = lengths[0];
            while (remaining != 0) {
                int p = 63 - Long.numberOfLeadingZeros(remaining);
                remaining &= ~(1L << p);
                long key = key(address & (0xFFFF_FFFFL << (32 - p)) & 0xFFFF_FFFFL, p);
                int slot = hash(key, shift);
                for (int n = 0; n <= mask; n++, slot = (slot + 1) & mask) {
                    long k = keys[slot];
                    if (k == key) {
                        Match<?> m = activeOrNull(matches[slot], now);
                        if (m != null) {
                            return m;
                        }
                        break;
                    }
                    if (k == 0) {
                        break;
                    }
                }
            }
            return null;
        }

        @Override
        int find(Cidr cidr) {
            long key = key(cidr.network().low(), cidr.prefixLength());
            int mask = keys.length - 1;
            for (int slot = hash(key, shift); keys[slot] != 0; slot = (slot + 1) & mask) {
                if (keys[slot] == key) {
                    return slot;
                }
            }
            return -1;
        }

        @Override
        void insert(Cidr cidr, Match<?> match) {
            long key = key(cidr.network().low(), cidr.prefixLength());
            int mask = keys.length - 1;
            int slot = hash(key, shift);
            while (keys[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            matches[slot] = match;
            added(cidr.prefixLength());
        }

        @Override
        int home(int slot) {
            return hash(keys[slot], shift);
        }

        @Override
        boolean isFree(int slot) {
            return keys[slot] == 0;
        }

        @Override
        void move(int from, int to) {
            keys[to] = keys[from];
            matches[to] = matches[from];
        }

        @Override
        void clear(int slot) {
            keys[slot] = 0;
            matches[slot] = null;
        }

        @Override
        Table newTable(int capacity) {
            return new V4Table(capacity);
        }
    }

    /** IPv6: three longs per slot, network high and low words and {@code prefix + 1} (0 marks free). */
    private static final class V6Table extends Table {

        private static final long[] MASK_HIGH = new long[129];
        private static final long[] MASK_LOW = new long[129];

        static {
            for (int p = 0; p <= 128; p++) {
                MASK_HIGH[p] = Cidr.maskHigh(IpVersion.IPV6, p);
                MASK_LOW[p] = Cidr.maskLow(IpVersion.IPV6, p);
            }
        }

        final long[] keys;

        V6Table(int capacity) {
            super(capacity, 128);
            keys = new long[capacity * 3];
        }

        static int hash(long high, long low, int prefixLength, int shift) {
            long h = high * 0x9E37_79B9_7F4A_7C15L + low;
            h = (h ^ (h >>> 32) ^ prefixLength) * 0xC2B2_AE3D_27D4_EB4FL;
            return (int) (h >>> shift);
        }

        Match<?> lookup(long high, long low, Instant now) {
            long[] keys = this.keys;
            Match<?>[] matches = this.matches;
            int shift = this.shift;
            int mask = matches.length - 1;
            for (int word = 2; word >= 0; word--) {
                long remaining = lengths[word];
                while (remaining != 0) {
                    int bit = 63 - Long.numberOfLeadingZeros(remaining);
                    remaining &= ~(1L << bit);
                    int p = (word << 6) | bit;
                    long h = high & MASK_HIGH[p];
                    long l = low & MASK_LOW[p];
                    int slot = hash(h, l, p, shift);
                    for (int n = 0; n <= mask; n++, slot = (slot + 1) & mask) {
                        int i = slot * 3;
                        long meta = keys[i + 2];
                        if (meta == p + 1 && keys[i] == h && keys[i + 1] == l) {
                            Match<?> m = activeOrNull(matches[slot], now);
                            if (m != null) {
                                return m;
                            }
                            break;
                        }
                        if (meta == 0) {
                            break;
                        }
                    }
                }
            }
            return null;
        }

        @Override
        int find(Cidr cidr) {
            long h = cidr.network().high();
            long l = cidr.network().low();
            int p = cidr.prefixLength();
            int mask = matches.length - 1;
            for (int slot = hash(h, l, p, shift); keys[slot * 3 + 2] != 0; slot = (slot + 1) & mask) {
                int i = slot * 3;
                if (keys[i + 2] == p + 1 && keys[i] == h && keys[i + 1] == l) {
                    return slot;
                }
            }
            return -1;
        }

        @Override
        void insert(Cidr cidr, Match<?> match) {
            long h = cidr.network().high();
            long l = cidr.network().low();
            int p = cidr.prefixLength();
            int mask = matches.length - 1;
            int slot = hash(h, l, p, shift);
            while (keys[slot * 3 + 2] != 0) {
                slot = (slot + 1) & mask;
            }
            keys[slot * 3] = h;
            keys[slot * 3 + 1] = l;
            keys[slot * 3 + 2] = p + 1;
            matches[slot] = match;
            added(p);
        }

        @Override
        int home(int slot) {
            int i = slot * 3;
            return hash(keys[i], keys[i + 1], (int) keys[i + 2] - 1, shift);
        }

        @Override
        boolean isFree(int slot) {
            return keys[slot * 3 + 2] == 0;
        }

        @Override
        void move(int from, int to) {
            System.arraycopy(keys, from * 3, keys, to * 3, 3);
            matches[to] = matches[from];
        }

        @Override
        void clear(int slot) {
            keys[slot * 3] = 0;
            keys[slot * 3 + 1] = 0;
            keys[slot * 3 + 2] = 0;
            matches[slot] = null;
        }

        @Override
        Table newTable(int capacity) {
            return new V6Table(capacity);
        }
    }
}
