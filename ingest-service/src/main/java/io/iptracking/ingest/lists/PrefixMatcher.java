package io.iptracking.ingest.lists;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.IpVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * the state between two single-entry writes, never a half-applied one. Growing a table and
 * rebuilding its directory happen beside the live one, which readers keep using until a brief swap.
 *
 * <p><b>Cost.</b> A lookup reads one directory word and then probes, as a rule, one or two hash slots,
 * whatever the number of entries; it allocates nothing on a miss and one {@code Optional} on a hit.
 * The tables take about 85 bytes per entry at a million entries (twice that for a moment while a
 * table grows), besides the {@code Cidr} and value objects, which are the caller's.
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
                    table.replace(slot, match);
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
            long nowWord = Expiry.nowWord(now);
            Instant earliestLeft = null;
            for (Table table : List.of(v4, v6)) {
                earliestLeft = table.collectExpired(nowWord, now, expired, earliestLeft);
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
        long nowWord = Expiry.nowWord(now);
        // Optimistic read: no write to shared memory on the hot path. A concurrent write may make the
        // probe read a torn state; validate() detects it and the read is redone under the read lock.
        long stamp = lock.tryOptimisticRead();
        Match<?> match = ipv4 ? v4.lookup(low, nowWord, now) : v6.lookup(high, low, nowWord, now);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                match = ipv4 ? v4.lookup(low, nowWord, now) : v6.lookup(high, low, nowWord, now);
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
        if (table.isDirectoryStale()) {
            long[] fresh = table.buildDirectory();
            stamp = lock.writeLock();
            try {
                table.replaceDirectory(fresh);
            } finally {
                lock.unlockWrite(stamp);
            }
        }
        return true;
    }

    /**
     * Expiry instants as longs kept beside the keys, so that a lookup tests them without reading the
     * entry object (one cache miss fewer per candidate).
     */
    private static final class Expiry {

        static final long NEVER = Long.MAX_VALUE;
        /** For instants outside the years 1678–2262 a long of nanoseconds cannot hold: compare the Instants. */
        static final long EXACT = Long.MIN_VALUE;
        private static final long NANOS_PER_SECOND = 1_000_000_000L;
        private static final long MAX_SECONDS = Long.MAX_VALUE / NANOS_PER_SECOND - 1;

        private Expiry() {
        }

        static long word(Instant expiresAtOrNull) {
            return expiresAtOrNull == null ? NEVER : nowWord(expiresAtOrNull);
        }

        /** Epoch nanoseconds, or {@link #EXACT}; never {@link #NEVER}. */
        static long nowWord(Instant t) {
            long s = t.getEpochSecond();
            return s > MAX_SECONDS || s < -MAX_SECONDS ? EXACT : s * NANOS_PER_SECOND + t.getNano();
        }

        static boolean isActive(long expiry, long nowWord, Match<?> m, Instant now) {
            return expiry == EXACT || nowWord == EXACT ? m.isActiveAt(now) : nowWord < expiry;
        }
    }

    /**
     * An open-addressing hash table (linear probing, backward-shift deletion, no tombstones) keyed by
     * (network, prefix length), and a directory that tells a lookup which prefix lengths can match
     * near its address, so that it probes only those, from the longest. At a million entries each
     * probe is a cache miss, and the directory (a few MiB at most) is what keeps a lookup to one or
     * two of them.
     *
     * <p>Directory bits are set on insert but not cleared on delete (that would need a count per bit):
     * a stale bit costs a useless probe, never a wrong answer. After enough deletes the directory is
     * rebuilt off the lock and swapped in. Writers mutate under the write lock; readers may read while
     * a mutation is under way and then discard what they read, so every reader loop is bounded and
     * tolerates torn slots.
     */
    private abstract static sealed class Table permits V4Table, V6Table {

        /** At most this share of slots is used, which keeps probe sequences short. */
        private static final double MAX_LOAD = 0.6;
        private static final int MIN_DIRECTORY_BITS = 4;

        final Match<?>[] matches;
        /** {@code stride} longs per slot: the key words, then the expiry word. */
        final long[] keys;
        final int stride;
        final int shift;
        final int maxSize;
        final int directoryBits;
        long[] directory;
        int size;
        private int deletesSinceDirectoryBuilt;

        Table(int capacity, int stride, int directoryBitsBelowCapacity, int maxDirectoryBits, int wordsPerBucket) {
            int log2 = Integer.numberOfTrailingZeros(capacity);
            this.matches = new Match<?>[capacity];
            this.keys = new long[capacity * stride];
            this.stride = stride;
            this.shift = 64 - log2;
            this.maxSize = (int) (capacity * MAX_LOAD);
            this.directoryBits = Math.clamp(log2 - directoryBitsBelowCapacity, MIN_DIRECTORY_BITS, maxDirectoryBits);
            this.directory = new long[wordsPerBucket << directoryBits];
        }

        final int capacity() {
            return matches.length;
        }

        /** The slot of {@code cidr}, or -1. Writers only. */
        abstract int find(Cidr cidr);

        /** Stores a new key in its first free slot, with {@link #occupy}. */
        abstract void insert(Cidr cidr, Match<?> match);

        /** Sets the directory bits of an entry. */
        abstract void mark(long[] directory, Cidr cidr);

        /** The slot where the key now in {@code slot} would start probing. */
        abstract int home(int slot);

        abstract boolean isFree(int slot);

        abstract void forgetLength(int prefixLength);

        abstract Table newTable(int capacity);

        final void occupy(int slot, Cidr cidr, Match<?> match) {
            keys[slot * stride + stride - 1] = Expiry.word(match.expiresAt());
            matches[slot] = match;
            size++;
            mark(directory, cidr);
        }

        final void replace(int slot, Match<?> match) {
            keys[slot * stride + stride - 1] = Expiry.word(match.expiresAt());
            matches[slot] = match;
        }

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

        /** Deletes the key in {@code slot}, shifting later keys of its probe sequence back. */
        final void delete(int slot, int prefixLength) {
            int mask = capacity() - 1;
            int hole = slot;
            for (int j = (hole + 1) & mask; !isFree(j); j = (j + 1) & mask) {
                // The key in j may fill the hole unless its home lies cyclically in (hole, j].
                if (((j - home(j)) & mask) >= ((j - hole) & mask)) {
                    System.arraycopy(keys, j * stride, keys, hole * stride, stride);
                    matches[hole] = matches[j];
                    hole = j;
                }
            }
            Arrays.fill(keys, hole * stride, hole * stride + stride, 0L);
            matches[hole] = null;
            size--;
            deletesSinceDirectoryBuilt++;
            forgetLength(prefixLength);
        }

        /**
         * Adds the ranges of the entries expired at {@code now} to {@code expired}; returns the earliest
         * expiry left, given the earliest seen so far. Writers only.
         */
        final Instant collectExpired(long nowWord, Instant now, List<Cidr> expired, Instant earliestSoFar) {
            Instant earliest = earliestSoFar;
            for (int slot = 0; slot < matches.length; slot++) {
                Match<?> m = matches[slot];
                long expiry = keys[slot * stride + stride - 1];
                if (m == null || expiry == Expiry.NEVER) {
                    continue;
                }
                if (!Expiry.isActive(expiry, nowWord, m, now)) {
                    expired.add(m.cidr());
                } else if (earliest == null || m.expiresAt().isBefore(earliest)) {
                    earliest = m.expiresAt();
                }
            }
            return earliest;
        }

        final boolean isDirectoryStale() {
            return deletesSinceDirectoryBuilt > 64 + size / 4;
        }

        /** A directory of the entries present now. Writers only; readers go on using the old one. */
        final long[] buildDirectory() {
            long[] fresh = new long[directory.length];
            for (Match<?> m : matches) {
                if (m != null) {
                    mark(fresh, m.cidr());
                }
            }
            return fresh;
        }

        final void replaceDirectory(long[] fresh) {
            directory = fresh;
            deletesSinceDirectoryBuilt = 0;
        }
    }

    /**
     * IPv4: per slot the key {@code (prefix + 1) << 32 | network} (0 marks a free slot) and the expiry.
     * The directory has one long per block of addresses (a /18 at full size): bits 0–31 say which
     * lengths below 32 have an entry in the block or covering it, and bits 32–63 are a Bloom filter
     * (two bits per address) of the block's single addresses.
     */
    private static final class V4Table extends Table {

        private static final long LENGTH_BITS = 0xFFFF_FFFFL;

        V4Table(int capacity) {
            super(capacity, 2, 3, 18, 1);
        }

        static long key(long network, int prefixLength) {
            return ((long) (prefixLength + 1) << 32) | network;
        }

        static int hash(long key, int shift) {
            // Fibonacci hashing: the top bits of the product depend on every bit of the key.
            return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> shift);
        }

        static long addressBits(long address) {
            long h = address * 0xC2B2_AE3D_27D4_EB4FL;
            return 1L << (32 + (int) (h >>> 59)) | 1L << (32 + ((int) (h >>> 54) & 31));
        }

        Match<?> lookup(long address, long nowWord, Instant now) {
            long[] directory = this.directory;
            // A torn read may pair a directory with a table of another size: mask the index.
            long block = directory[(int) (address >>> (32 - directoryBits)) & (directory.length - 1)];
            long bits = addressBits(address);
            if ((block & bits) == bits) {
                Match<?> m = probe(key(address, 32), nowWord, now);
                if (m != null) {
                    return m;
                }
            }
            long remaining = block & LENGTH_BITS;
            while (remaining != 0) {
                int p = 63 - Long.numberOfLeadingZeros(remaining);
                remaining &= ~(1L << p);
                Match<?> m = probe(key(address & (LENGTH_BITS << (32 - p)) & LENGTH_BITS, p), nowWord, now);
                if (m != null) {
                    return m;
                }
            }
            return null;
        }

        /** The active entry with exactly this key, or null. */
        private Match<?> probe(long key, long nowWord, Instant now) {
            long[] keys = this.keys;
            Match<?>[] matches = this.matches;
            int mask = matches.length - 1;
            int slot = hash(key, shift);
            for (int n = 0; n <= mask; n++, slot = (slot + 1) & mask) {
                long k = keys[slot << 1];
                // Read with the key and used in the same test, so that both cache misses overlap.
                // Null only in a torn read.
                Match<?> m = matches[slot];
                if (k == key & m != null) {
                    return Expiry.isActive(keys[(slot << 1) + 1], nowWord, m, now) ? m : null;
                }
                if (k == 0) {
                    return null;
                }
            }
            return null;
        }

        @Override
        int find(Cidr cidr) {
            long key = key(cidr.network().low(), cidr.prefixLength());
            int mask = matches.length - 1;
            for (int slot = hash(key, shift); keys[slot << 1] != 0; slot = (slot + 1) & mask) {
                if (keys[slot << 1] == key) {
                    return slot;
                }
            }
            return -1;
        }

        @Override
        void insert(Cidr cidr, Match<?> match) {
            long key = key(cidr.network().low(), cidr.prefixLength());
            int mask = matches.length - 1;
            int slot = hash(key, shift);
            while (keys[slot << 1] != 0) {
                slot = (slot + 1) & mask;
            }
            keys[slot << 1] = key;
            occupy(slot, cidr, match);
        }

        @Override
        void mark(long[] directory, Cidr cidr) {
            long network = cidr.network().low();
            int p = cidr.prefixLength();
            int first = (int) (network >>> (32 - directoryBits));
            if (p == 32) {
                directory[first] |= addressBits(network);
                return;
            }
            // A range wider than a block covers 2^(bits - p) of them; /0 covers every one.
            int blocks = p >= directoryBits ? 1 : 1 << (directoryBits - p);
            for (int b = first; b < first + blocks; b++) {
                directory[b] |= 1L << p;
            }
        }

        @Override
        void forgetLength(int prefixLength) {
            // Nothing kept per length: the directory alone says which lengths to probe.
        }

        @Override
        int home(int slot) {
            return hash(keys[slot << 1], shift);
        }

        @Override
        boolean isFree(int slot) {
            return keys[slot << 1] == 0;
        }

        @Override
        Table newTable(int capacity) {
            return new V4Table(capacity);
        }
    }

    /**
     * IPv6: per slot the network's high and low words, {@code prefix + 1} (0 marks a free slot) and the
     * expiry. The directory is indexed by a hash of the first 32 bits (a typical provider allocation):
     * per bucket, one long holds the lengths 32–95 of the entries under that /32, the other the lengths
     * 96–127 in its low half and a Bloom filter of its single addresses in the high half. Entries
     * shorter than /32 are few, and probed for every lookup.
     */
    private static final class V6Table extends Table {

        private static final int DIRECTORY_PREFIX = 32;
        private static final long[] MASK_HIGH = new long[129];
        private static final long[] MASK_LOW = new long[129];

        static {
            for (int p = 0; p <= 128; p++) {
                MASK_HIGH[p] = Cidr.maskHigh(IpVersion.IPV6, p);
                MASK_LOW[p] = Cidr.maskLow(IpVersion.IPV6, p);
            }
        }

        private final int[] shortCounts = new int[DIRECTORY_PREFIX];
        /** Bit p is set while an entry of length p < 32 is present. */
        long shortLengths;

        V6Table(int capacity) {
            super(capacity, 4, 2, 16, 2);
        }

        static int hash(long high, long low, int prefixLength, int shift) {
            long h = high * 0x9E37_79B9_7F4A_7C15L + low;
            h = (h ^ (h >>> 32) ^ prefixLength) * 0xC2B2_AE3D_27D4_EB4FL;
            return (int) (h >>> shift);
        }

        static long addressBits(long high, long low) {
            long h = (high * 0x9E37_79B9_7F4A_7C15L + low) * 0xC2B2_AE3D_27D4_EB4FL;
            return 1L << (32 + (int) (h >>> 59)) | 1L << (32 + ((int) (h >>> 54) & 31));
        }

        /** Index of the bucket's first word. */
        int bucket(long high) {
            return (int) (((high >>> 32) * 0x9E37_79B9_7F4A_7C15L) >>> (64 - directoryBits)) << 1;
        }

        Match<?> lookup(long high, long low, long nowWord, Instant now) {
            long[] directory = this.directory;
            // A torn read may pair a directory with a table of another size: mask the index.
            int b = bucket(high) & (directory.length - 2);
            long upper = directory[b + 1];
            long bits = addressBits(high, low);
            Match<?> m = (upper & bits) == bits ? probe(high, low, 128, nowWord, now) : null;
            if (m == null) {
                m = probeLengths(upper & 0xFFFF_FFFFL, 96, high, low, nowWord, now);
            }
            if (m == null) {
                m = probeLengths(directory[b], 32, high, low, nowWord, now);
            }
            if (m == null) {
                m = probeLengths(shortLengths, 0, high, low, nowWord, now);
            }
            return m;
        }

        /** Probes the lengths {@code offset + i} for each bit i of {@code lengths}, longest first. */
        private Match<?> probeLengths(long lengths, int offset, long high, long low, long nowWord, Instant now) {
            long remaining = lengths;
            while (remaining != 0) {
                int bit = 63 - Long.numberOfLeadingZeros(remaining);
                remaining &= ~(1L << bit);
                int p = offset + bit;
                Match<?> m = probe(high & MASK_HIGH[p], low & MASK_LOW[p], p, nowWord, now);
                if (m != null) {
                    return m;
                }
            }
            return null;
        }

        /** The active entry with exactly this network and length, or null. */
        private Match<?> probe(long h, long l, int p, long nowWord, Instant now) {
            long[] keys = this.keys;
            Match<?>[] matches = this.matches;
            int mask = matches.length - 1;
            int slot = hash(h, l, p, shift);
            for (int n = 0; n <= mask; n++, slot = (slot + 1) & mask) {
                int i = slot << 2;
                long meta = keys[i + 2];
                // Read with the key and used in the same test, so that both cache misses overlap.
                // Null only in a torn read.
                Match<?> m = matches[slot];
                if (meta == p + 1 & keys[i] == h & keys[i + 1] == l & m != null) {
                    return Expiry.isActive(keys[i + 3], nowWord, m, now) ? m : null;
                }
                if (meta == 0) {
                    return null;
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
            for (int slot = hash(h, l, p, shift); keys[(slot << 2) + 2] != 0; slot = (slot + 1) & mask) {
                int i = slot << 2;
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
            while (keys[(slot << 2) + 2] != 0) {
                slot = (slot + 1) & mask;
            }
            keys[slot << 2] = h;
            keys[(slot << 2) + 1] = l;
            keys[(slot << 2) + 2] = p + 1;
            if (p < DIRECTORY_PREFIX && shortCounts[p]++ == 0) {
                shortLengths |= 1L << p;
            }
            occupy(slot, cidr, match);
        }

        @Override
        void mark(long[] directory, Cidr cidr) {
            int p = cidr.prefixLength();
            if (p < DIRECTORY_PREFIX) {
                return;
            }
            long high = cidr.network().high();
            int b = bucket(high);
            if (p == 128) {
                directory[b + 1] |= addressBits(high, cidr.network().low());
            } else if (p >= 96) {
                directory[b + 1] |= 1L << (p - 96);
            } else {
                directory[b] |= 1L << (p - 32);
            }
        }

        @Override
        void forgetLength(int prefixLength) {
            if (prefixLength < DIRECTORY_PREFIX && --shortCounts[prefixLength] == 0) {
                shortLengths &= ~(1L << prefixLength);
            }
        }

        @Override
        int home(int slot) {
            int i = slot << 2;
            return hash(keys[i], keys[i + 1], (int) keys[i + 2] - 1, shift);
        }

        @Override
        boolean isFree(int slot) {
            return keys[(slot << 2) + 2] == 0;
        }

        @Override
        Table newTable(int capacity) {
            return new V6Table(capacity);
        }
    }
}
