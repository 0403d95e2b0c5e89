package io.iptracking.ingest.lists;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.IpVersion;
import io.iptracking.ingest.lists.PrefixMatcher.Match;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PrefixMatcherTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final PrefixMatcher<String> matcher = new PrefixMatcher<>();

    @Test
    void longestPrefixWinsWhateverTheInsertionOrder() {
        matcher.put(cidr("10.1.2.3/32"), "host", null);
        matcher.put(cidr("10.1.2.0/24"), "24", null);
        matcher.put(cidr("10.0.0.0/8"), "8", null);
        matcher.put(cidr("10.1.0.0/16"), "16", null);

        assertThat(valueAt("10.1.2.3", T0)).contains("host");
        assertThat(valueAt("10.1.2.4", T0)).contains("24");
        assertThat(valueAt("10.1.3.1", T0)).contains("16");
        assertThat(valueAt("10.200.0.1", T0)).contains("8");
        assertThat(valueAt("11.0.0.0", T0)).isEmpty();
        assertThat(valueAt("9.255.255.255", T0)).isEmpty();
    }

    @Test
    void longestPrefixWinsForIpv6() {
        matcher.put(cidr("2001:db8::/32"), "32", null);
        matcher.put(cidr("2001:db8:1::/48"), "48", null);
        matcher.put(cidr("2001:db8:1:2::/64"), "64", null);
        matcher.put(cidr("2001:db8:1:2::4/127"), "127", null);
        matcher.put(cidr("2001:db8:1:2::5/128"), "128", null);

        assertThat(valueAt("2001:db8:1:2::5", T0)).contains("128");
        assertThat(valueAt("2001:db8:1:2::4", T0)).contains("127");
        assertThat(valueAt("2001:db8:1:2::6", T0)).contains("64");
        assertThat(valueAt("2001:db8:1:3::5", T0)).contains("48");
        assertThat(valueAt("2001:db8:2::5", T0)).contains("32");
        assertThat(valueAt("2001:db9::", T0)).isEmpty();
    }

    @Test
    void returnsTheMatchingEntryWithItsExpiry() {
        Instant expiry = T0.plusSeconds(60);
        matcher.put(cidr("203.0.113.0/24"), "scanner", expiry);

        Optional<Match<String>> match = matcher.lookup(ip("203.0.113.9"), T0);

        assertThat(match).contains(new Match<>(cidr("203.0.113.0/24"), "scanner", expiry));
    }

    @Test
    void ipv4AndIpv6EntriesNeverMatchEachOther() {
        // ::1.2.3.4 has the same two words as 1.2.3.4 (high 0, low 0x01020304): only the version differs.
        matcher.put(cidr("1.2.3.4/32"), "v4 host", null);
        matcher.put(cidr("0.0.0.0/0"), "all v4", null);

        assertThat(valueAt("::1.2.3.4", T0)).isEmpty();
        assertThat(valueAt("::1", T0)).isEmpty();
        assertThat(valueAt("2001:db8::1", T0)).isEmpty();

        matcher.put(cidr("::102:304/128"), "v6 host", null);
        matcher.put(cidr("::/0"), "all v6", null);

        assertThat(valueAt("::1.2.3.4", T0)).contains("v6 host");
        assertThat(valueAt("::1", T0)).contains("all v6");
        assertThat(valueAt("1.2.3.4", T0)).contains("v4 host");
        assertThat(valueAt("1.2.3.5", T0)).contains("all v4");
        assertThat(valueAt("::ffff:1.2.3.4", T0)).as("IPv4-mapped folds to IPv4").contains("v4 host");
    }

    @Test
    void zeroLengthEntriesCoverEverythingOfTheirVersionAndAreTheLastFallback() {
        matcher.put(cidr("0.0.0.0/0"), "default", null);
        matcher.put(cidr("192.0.2.0/24"), "doc", null);

        assertThat(valueAt("0.0.0.0", T0)).contains("default");
        assertThat(valueAt("255.255.255.255", T0)).contains("default");
        assertThat(valueAt("192.0.2.200", T0)).contains("doc");

        assertThat(matcher.remove(cidr("0.0.0.0/0"))).isTrue();

        assertThat(valueAt("255.255.255.255", T0)).isEmpty();
        assertThat(valueAt("192.0.2.200", T0)).contains("doc");
    }

    @Test
    void anEntryStopsMatchingAtExactlyItsExpiryAndAShorterUnexpiredEntryAnswers() {
        Instant expiry = T0.plusSeconds(30);
        matcher.put(cidr("10.0.0.0/8"), "permanent", null);
        matcher.put(cidr("10.1.0.0/16"), "temporary", expiry);
        matcher.put(cidr("10.1.2.3/32"), "host, later", expiry.plusSeconds(30));

        assertThat(valueAt("10.1.9.9", expiry.minusNanos(1))).contains("temporary");
        assertThat(valueAt("10.1.9.9", expiry)).contains("permanent");
        assertThat(valueAt("10.1.9.9", expiry.plusNanos(1))).contains("permanent");
        assertThat(valueAt("10.1.2.3", expiry)).contains("host, later");
        assertThat(valueAt("10.1.2.3", expiry.plusSeconds(30))).contains("permanent");
        assertThat(matcher.size()).as("expired entries stay until removed").isEqualTo(3);
    }

    @Test
    void expiriesAndInstantsFarFromTodayCompareExactly() {
        // Beyond what a long of epoch nanoseconds holds (years 1678-2262), on either side.
        Instant farFuture = Instant.parse("2500-01-01T00:00:00Z");
        matcher.put(cidr("10.0.0.0/8"), "ancient", Instant.parse("1600-01-01T00:00:00Z"));
        matcher.put(cidr("10.1.0.0/16"), "until 2500", farFuture);
        matcher.put(cidr("10.1.2.0/24"), "until the end of time", Instant.MAX);

        assertThat(valueAt("10.1.2.3", T0)).contains("until the end of time");
        assertThat(valueAt("10.1.9.9", T0)).contains("until 2500");
        assertThat(valueAt("10.2.0.0", T0)).isEmpty();
        assertThat(valueAt("10.1.9.9", farFuture.minusNanos(1))).contains("until 2500");
        assertThat(valueAt("10.1.9.9", farFuture)).isEmpty();
        assertThat(valueAt("10.2.0.0", Instant.parse("1500-01-01T00:00:00Z"))).contains("ancient");
        assertThat(valueAt("10.1.2.3", Instant.MAX.minusNanos(1))).contains("until the end of time");
        assertThat(valueAt("10.1.2.3", Instant.MAX)).isEmpty();
        assertThat(matcher.removeExpired(farFuture)).isEqualTo(2);
        assertThat(matcher.size()).isEqualTo(1);
    }

    @Test
    void whenEveryCoveringEntryHasExpiredNothingMatches() {
        matcher.put(cidr("2001:db8::/32"), "a", T0);
        matcher.put(cidr("2001:db8::/48"), "b", T0.plusSeconds(1));

        assertThat(valueAt("2001:db8::1", T0)).contains("b");
        assertThat(valueAt("2001:db8::1", T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void putReplacesValueAndExpiryOfTheSameRange() {
        assertThat(matcher.put(cidr("198.51.100.0/24"), "old", T0)).isTrue();
        assertThat(matcher.put(cidr("198.51.100.7/24"), "new", null)).isFalse();

        assertThat(matcher.size()).isEqualTo(1);
        assertThat(matcher.lookup(ip("198.51.100.1"), T0.plusSeconds(1)))
                .contains(new Match<>(cidr("198.51.100.0/24"), "new", null));
    }

    @Test
    void removeDropsOnlyTheExactRange() {
        matcher.put(cidr("10.0.0.0/8"), "8", null);
        matcher.put(cidr("10.0.0.0/16"), "16", null);

        assertThat(matcher.remove(cidr("10.0.0.0/24"))).isFalse();
        assertThat(matcher.remove(cidr("2001:db8::/32"))).isFalse();
        assertThat(matcher.remove(cidr("10.0.0.0/16"))).isTrue();
        assertThat(matcher.remove(cidr("10.0.0.0/16"))).isFalse();

        assertThat(matcher.size()).isEqualTo(1);
        assertThat(valueAt("10.0.0.1", T0)).contains("8");
    }

    @Test
    void removeExpiredDropsExactlyTheEntriesExpiredAtNow() {
        matcher.put(cidr("10.0.0.1/32"), "expires T0", T0);
        matcher.put(cidr("10.0.0.2/32"), "expires T0+1s", T0.plusSeconds(1));
        matcher.put(cidr("2001:db8::/64"), "expires T0-1s", T0.minusSeconds(1));
        matcher.put(cidr("10.0.0.0/24"), "permanent", null);

        assertThat(matcher.removeExpired(T0.minusNanos(1))).isEqualTo(1);
        assertThat(matcher.removeExpired(T0)).isEqualTo(1);
        assertThat(matcher.removeExpired(T0)).isZero();

        assertThat(matcher.size()).isEqualTo(2);
        assertThat(valueAt("10.0.0.2", T0)).contains("expires T0+1s");
        assertThat(valueAt("10.0.0.1", T0.minusSeconds(5))).as("removed, not just expired").contains("permanent");

        assertThat(matcher.removeExpired(T0.plus(Duration.ofDays(365)))).isEqualTo(1);
        assertThat(matcher.size()).isEqualTo(1);
    }

    @Test
    void removeExpiredSeesAnEntryAddedWithAnEarlierExpiryThanAnyBefore() {
        matcher.put(cidr("10.0.0.1/32"), "late", T0.plusSeconds(10));
        assertThat(matcher.removeExpired(T0)).isZero();

        matcher.put(cidr("10.0.0.2/32"), "early", T0.plusSeconds(1));

        assertThat(matcher.removeExpired(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(valueAt("10.0.0.1", T0)).contains("late");
        assertThat(valueAt("10.0.0.2", T0)).isEmpty();
    }

    @Test
    void agreesWithABruteForceScanOverRandomOperations() {
        Random random = new Random(20260301);
        RandomCidrs gen = new RandomCidrs(random);
        Map<Cidr, Match<String>> reference = new LinkedHashMap<>();
        int lookups = 0;
        int misses = 0;
        int fallbacks = 0;
        for (int op = 0; op < 6_000; op++) {
            int kind = random.nextInt(100);
            if (kind < 70) {
                Cidr c = gen.cidr();
                Instant expiry = random.nextInt(3) == 0 ? null : T0.plusSeconds(random.nextInt(20));
                String value = "v" + op;
                assertThat(matcher.put(c, value, expiry)).isEqualTo(!reference.containsKey(c));
                reference.put(c, new Match<>(c, value, expiry));
            } else if (kind < 90 && !reference.isEmpty()) {
                Cidr c = new ArrayList<>(reference.keySet()).get(random.nextInt(reference.size()));
                assertThat(matcher.remove(c)).isTrue();
                reference.remove(c);
            } else if (kind < 98) {
                Cidr c = gen.cidr();
                assertThat(matcher.remove(c)).isEqualTo(reference.remove(c) != null);
            } else {
                Instant now = T0.plusSeconds(random.nextInt(10));
                long expected = reference.values().stream().filter(m -> !m.isActiveAt(now)).count();
                assertThat(matcher.removeExpired(now)).isEqualTo(expected);
                reference.values().removeIf(m -> !m.isActiveAt(now));
            }
            assertThat(matcher.size()).isEqualTo(reference.size());
            if (op % 20 == 0) {
                for (int q = 0; q < 100; q++) {
                    ClientIp ip = gen.query();
                    Instant now = T0.plusSeconds(random.nextInt(25) - 2);
                    Optional<Match<String>> expected = bruteForce(reference.values(), ip, now);
                    assertThat(matcher.lookup(ip, now)).as("lookup %s at %s", ip, now).isEqualTo(expected);
                    lookups++;
                    misses += expected.isEmpty() ? 1 : 0;
                    fallbacks += isFallback(reference.values(), ip, now, expected) ? 1 : 0;
                }
            }
        }
        // The generator must exercise every path: hits, misses, and answers past an expired entry.
        assertThat(lookups).isEqualTo(30_000);
        assertThat(misses).isBetween(3_000, 27_000);
        assertThat(fallbacks).isGreaterThan(1_000);
    }

    @Test
    void keepsEveryEntryWhileGrowingFromEmptyAndShrinkingBack() {
        Random random = new Random(7);
        List<Cidr> added = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            // Each entry in its own /16 (IPv4) or /32 (IPv6): none covers another, so each address
            // looks up to exactly its own entry, and to nothing once that is removed.
            Cidr c = i % 3 == 0
                    ? Cidr.of(ClientIp.of(IpVersion.IPV6, (long) i << 32 | (random.nextInt() & 0xFFFF_FFFFL),
                            random.nextLong()), 32 + random.nextInt(97))
                    : Cidr.of(ClientIp.of(IpVersion.IPV4, 0, (long) i << 16 | random.nextInt(1 << 16)),
                            16 + random.nextInt(17));
            assertThat(matcher.put(c, c.toString(), null)).isTrue();
            added.add(c);
        }
        assertThat(matcher.size()).isEqualTo(added.size());
        for (Cidr c : added) {
            assertThat(matcher.lookup(c.network(), T0).map(Match::cidr)).as("%s", c).contains(c);
        }

        List<Cidr> removed = added.subList(0, added.size() / 2);
        List<Cidr> kept = added.subList(added.size() / 2, added.size());
        for (Cidr c : removed) {
            assertThat(matcher.remove(c)).isTrue();
        }
        assertThat(matcher.size()).isEqualTo(kept.size());
        for (Cidr c : kept) {
            assertThat(matcher.lookup(c.network(), T0).map(Match::cidr)).as("%s", c).contains(c);
        }
        for (Cidr c : removed) {
            assertThat(matcher.lookup(c.network(), T0)).as("%s", c).isEmpty();
        }
    }

    @Test
    void readersNeverSeeAWrongAnswerWhileAWriterChurns() throws Exception {
        Random random = new Random(42);
        // Stable entries: /24 and /32 in 10.0.0.0/8, /64 and /128 in 2001:db8::/32. The writer only adds
        // shorter covering ranges there (which must never win) and unrelated entries elsewhere, so the
        // right answer for each stable query never changes while entries move, grow and shrink around it.
        List<Match<String>> stable = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Cidr c = switch (i % 4) {
                case 0 -> Cidr.of(ClientIp.of(IpVersion.IPV4, 0, 0x0A00_0000L | random.nextInt(1 << 24)), 24);
                case 1 -> Cidr.of(ClientIp.of(IpVersion.IPV4, 0, 0x0A00_0000L | random.nextInt(1 << 24)), 32);
                case 2 -> Cidr.of(ClientIp.of(IpVersion.IPV6, 0x2001_0DB8_0000_0000L | (random.nextInt() & 0xFFFF_FFFFL), 0), 64);
                default -> Cidr.of(ClientIp.of(IpVersion.IPV6, 0x2001_0DB8_0000_0000L | (random.nextInt() & 0xFFFF_FFFFL),
                        random.nextLong()), 128);
            };
            stable.add(new Match<>(c, "stable " + i, null));
        }
        List<ClientIp> queries = new ArrayList<>();
        List<Match<String>> expected = new ArrayList<>();
        for (Match<String> m : stable) {
            Cidr c = m.cidr();
            long hostBits = c.isSingleAddress() ? 0 : random.nextLong() & ~Cidr.maskLow(c.version(), c.prefixLength());
            ClientIp q = ClientIp.of(c.version(), c.network().high(), c.network().low() | hostBits);
            queries.add(q);
            expected.add(bruteForce(stable, q, T0).orElseThrow());
        }
        List<Cidr> covering = List.of(cidr("0.0.0.0/0"), cidr("10.0.0.0/8"), cidr("10.0.0.0/12"),
                cidr("::/0"), cidr("2001:db8::/32"), cidr("2000::/3"));
        List<Cidr> unrelated = new ArrayList<>();
        while (unrelated.size() < 9_000) {
            Cidr c = unrelated.size() % 2 == 0
                    ? Cidr.of(ClientIp.of(IpVersion.IPV4, 0, 0xAC10_0000L | random.nextInt(1 << 20)), 20 + random.nextInt(13))
                    : Cidr.of(ClientIp.of(IpVersion.IPV6, 0x2001_0DB9_0000_0000L | (random.nextInt() & 0xFFFF_FFFFL),
                            random.nextLong()), 48 + random.nextInt(81));
            if (!unrelated.contains(c)) {
                unrelated.add(c);
            }
        }
        // Stable entries go in after some unrelated ones, so they sit away from their home slots and
        // are shifted back while readers look them up whenever an entry before them is removed.
        List<Cidr> first = unrelated.subList(0, 2_000);
        first.forEach(c -> matcher.put(c, "churn", null));
        stable.forEach(m -> matcher.put(m.cidr(), m.value(), null));
        covering.forEach(c -> matcher.put(c, "covering", null));

        int readers = 3;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writerDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        try {
            Future<Integer> writer = pool.submit(() -> {
                start.await();
                int writes = 0;
                // Growth: the tables are rebuilt while readers run.
                for (Cidr c : unrelated.subList(first.size(), unrelated.size())) {
                    matcher.put(c, "churn", null);
                    writes++;
                }
                List<Cidr> order = new ArrayList<>(unrelated);
                for (int round = 1; round <= 4; round++) {
                    Collections.shuffle(order, random);
                    for (Cidr c : order) {
                        matcher.remove(c);
                        writes++;
                    }
                    Collections.shuffle(order, random);
                    for (Cidr c : order) {
                        matcher.put(c, "churn", round % 2 == 0 ? T0 : null);
                        writes++;
                    }
                    matcher.removeExpired(T0);
                }
                // Then near the maximum load, where probe sequences are long and each remove shifts
                // the entries after it, stable ones included, back into the hole it leaves.
                unrelated.forEach(c -> matcher.put(c, "churn", null));
                for (int i = 0; i < 200_000; i++) {
                    Cidr c = unrelated.get(i % unrelated.size());
                    matcher.remove(c);
                    matcher.put(c, "churn", null);
                    writes += 2;
                }
                writerDone.set(true);
                return writes;
            });
            List<Future<String>> results = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                int offset = r;
                results.add(pool.submit(() -> {
                    start.await();
                    // At least one pass; then until the writer (a fixed number of operations) is done.
                    // The cap is a safety net.
                    for (int pass = 0; pass < 200_000 && (pass == 0 || !writerDone.get()); pass++) {
                        for (int i = 0; i < queries.size(); i++) {
                            int k = (i + offset * 97) % queries.size();
                            Optional<Match<String>> got = matcher.lookup(queries.get(k), T0);
                            if (!got.equals(Optional.of(expected.get(k)))) {
                                return "query " + queries.get(k) + " expected " + expected.get(k) + " got " + got;
                            }
                        }
                        // The entries that move most: whatever they answer must cover the query and be active.
                        for (Cidr c : unrelated.subList(pass % 9 * 1_000, pass % 9 * 1_000 + 1_000)) {
                            Instant now = T0.minusSeconds(1);
                            Optional<Match<String>> got = matcher.lookup(c.network(), now);
                            if (got.isPresent() && !(got.get().cidr().contains(c.network()) && got.get().isActiveAt(now))) {
                                return "query " + c.network() + " at " + now + " matched " + got.get();
                            }
                        }
                    }
                    return "ok";
                }));
            }
            start.countDown();
            assertThat(writer.get(60, TimeUnit.SECONDS)).isEqualTo(7_000 + 4 * 2 * 9_000 + 400_000);
            for (Future<String> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(matcher.size()).isEqualTo(stable.size() + covering.size() + unrelated.size());
    }

    /** Reference answer: a plain scan for the longest active entry containing the address. */
    private static <V> Optional<Match<V>> bruteForce(Iterable<Match<V>> entries, ClientIp ip, Instant now) {
        Match<V> best = null;
        for (Match<V> m : entries) {
            if (m.cidr().contains(ip) && m.isActiveAt(now)
                    && (best == null || m.cidr().prefixLength() > best.cidr().prefixLength())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** True when a longer entry covers the address but has expired, so a shorter one (or none) answers. */
    private static <V> boolean isFallback(Iterable<Match<V>> entries, ClientIp ip, Instant now,
            Optional<Match<V>> answer) {
        int answered = answer.map(m -> m.cidr().prefixLength()).orElse(-1);
        for (Match<V> m : entries) {
            if (m.cidr().contains(ip) && !m.isActiveAt(now) && m.cidr().prefixLength() > answered) {
                return true;
            }
        }
        return false;
    }

    private Optional<String> valueAt(String address, Instant now) {
        return matcher.lookup(ip(address), now).map(Match::value);
    }

    private static Cidr cidr(String text) {
        return Cidr.parse(text);
    }

    private static ClientIp ip(String text) {
        return ClientIp.parse(text);
    }

    /**
     * Addresses and ranges drawn close to a few base addresses, so that entries nest and overlap often
     * and lookups both hit (at every depth) and miss.
     */
    private static final class RandomCidrs {

        private final Random random;
        private final long[] v4Bases;
        private final long[][] v6Bases;

        RandomCidrs(Random random) {
            this.random = random;
            v4Bases = new long[] {0x0A00_0000L, 0xC0A8_0100L, random.nextInt() & 0xFFFF_FFFFL};
            v6Bases = new long[][] {{0x2001_0DB8_0000_0000L, 0}, {random.nextLong(), random.nextLong()}};
        }

        Cidr cidr() {
            ClientIp a = address();
            int bits = a.version().bits();
            // Mostly long prefixes (hosts and small ranges), some short ones, and /0 now and then.
            int prefix = switch (random.nextInt(10)) {
                case 0 -> random.nextInt(bits + 1);
                case 1 -> bits / 2 + random.nextInt(bits / 2);
                default -> bits - random.nextInt(Math.max(1, bits / 8));
            };
            return Cidr.of(a, prefix);
        }

        /** Mostly near the bases, sometimes anywhere. */
        ClientIp query() {
            return switch (random.nextInt(8)) {
                case 0 -> ClientIp.of(IpVersion.IPV4, 0, random.nextInt() & 0xFFFF_FFFFL);
                case 1 -> ClientIp.of(IpVersion.IPV6, random.nextLong(), random.nextLong());
                default -> address();
            };
        }

        ClientIp address() {
            if (random.nextInt(4) != 0) {
                // Flip a few of the low-order bits of a base: addresses share long prefixes.
                long v = v4Bases[random.nextInt(v4Bases.length)] ^ (random.nextInt() & ((1L << random.nextInt(12)) - 1));
                return ClientIp.of(IpVersion.IPV4, 0, v & 0xFFFF_FFFFL);
            }
            long[] base = v6Bases[random.nextInt(v6Bases.length)];
            int spread = random.nextInt(100);
            long high = base[0];
            long low = base[1];
            if (spread < 40) {
                low ^= random.nextLong() & ((1L << random.nextInt(20)) - 1);
            } else {
                high ^= random.nextLong() & ((1L << random.nextInt(40)) - 1);
                low ^= random.nextLong();
            }
            return ClientIp.of(IpVersion.IPV6, high, low);
        }
    }
}
