package io.iptracking.ingest.lists;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic block/allow list shaped like a real one: mostly single IPv4 addresses (what automatic
 * flagging adds), some IPv4 ranges (mostly /16–/24 as in public drop lists, very few as wide as /8),
 * and some IPv6 entries (/128, /64 and /48 above all). Seeded, so every run builds the same list.
 */
final class BlocklistData {

    /** The instant every lookup is made at; about a third of the entries expire a day later. */
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    final Cidr[] cidrs;
    final Instant[] expiries;
    final String[] values;

    private final Random random;

    private BlocklistData(int entries, Random random) {
        this.random = random;
        Map<Cidr, Boolean> distinct = new LinkedHashMap<>();
        while (distinct.size() < entries) {
            distinct.put(nextCidr(), Boolean.TRUE);
        }
        cidrs = distinct.keySet().toArray(Cidr[]::new);
        expiries = new Instant[entries];
        values = new String[entries];
        Instant tomorrow = NOW.plus(Duration.ofDays(1));
        for (int i = 0; i < entries; i++) {
            expiries[i] = random.nextInt(3) == 0 ? tomorrow.plusSeconds(i % 3600) : null;
            // Shared values, as list entries share a handful of actions: the heap figures then count
            // the matcher, not the values.
            values[i] = random.nextInt(20) == 0 ? "allow" : "block";
        }
    }

    static BlocklistData generate(int entries, long seed) {
        return new BlocklistData(entries, new Random(seed));
    }

    /** A uniformly random address of the mix's versions (85 % IPv4), or a host in a random entry. */
    ClientIp randomAddress() {
        return random.nextInt(100) < 85 ? v4(random.nextInt()) : v6(0x2000_0000_0000_0000L | random.nextLong() >>> 3,
                random.nextLong());
    }

    /** An address inside the range of entry {@code i}: a hit on it or on a more specific entry. */
    ClientIp addressIn(int i) {
        Cidr c = cidrs[i];
        long high = c.network().high();
        long low = c.network().low();
        int hostBits = c.version().bits() - c.prefixLength();
        if (c.network().isIpv4()) {
            return v4((int) (low | (hostBits == 0 ? 0 : random.nextInt() & (int) ((1L << hostBits) - 1))));
        }
        if (hostBits >= 64) {
            long highHost = hostBits == 128 ? -1L : (1L << (hostBits - 64)) - 1;
            return v6(high | (random.nextLong() & highHost), random.nextLong());
        }
        return v6(high, low | (hostBits == 0 ? 0 : random.nextLong() & ((1L << hostBits) - 1)));
    }

    int nextIndex() {
        return random.nextInt(cidrs.length);
    }

    boolean coinFlip() {
        return random.nextBoolean();
    }

    private Cidr nextCidr() {
        int kind = random.nextInt(100);
        if (kind < 80) {
            return Cidr.of(v4(random.nextInt()), 32);
        }
        if (kind < 88) {
            return Cidr.of(v4(random.nextInt()), ipv4RangeLength());
        }
        ClientIp v6 = v6(0x2000_0000_0000_0000L | random.nextLong() >>> 3, random.nextLong());
        return Cidr.of(v6, ipv6Length());
    }

    private int ipv4RangeLength() {
        int r = random.nextInt(1000);
        if (r < 500) {
            return 24;
        }
        if (r < 800) {
            return 16 + random.nextInt(8);
        }
        if (r < 998) {
            return 25 + random.nextInt(7);
        }
        return 8 + random.nextInt(8);
    }

    private int ipv6Length() {
        int r = random.nextInt(100);
        if (r < 40) {
            return 128;
        }
        if (r < 70) {
            return 64;
        }
        if (r < 85) {
            return 48;
        }
        if (r < 90) {
            return 56;
        }
        if (r < 95) {
            return 32;
        }
        return 32 + random.nextInt(97);
    }

    static ClientIp v4(int address) {
        return ClientIp.fromBytes(new byte[] {
            (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    }

    static ClientIp v6(long high, long low) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return ClientIp.fromBytes(b);
    }
}
