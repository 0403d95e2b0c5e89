package io.iptracking.ingest.events;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids for request events: RFC 9562 version 7 UUIDs (48-bit Unix milliseconds of the event, then
 * 74 random bits). {@link UUID#randomUUID()} draws from a shared, synchronized {@code SecureRandom}
 * on every request; an event id needs uniqueness, not secrecy, so the bits come from the calling
 * thread's {@link ThreadLocalRandom}. Ids of one millisecond collide with probability about
 * n²/2⁷⁵, and they sort by time, which keeps consumers' indexes on them compact.
 */
public final class EventIds {

    private EventIds() {
    }

    public static UUID at(Instant timestamp) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = timestamp.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
        long high = millis << 16 | 0x7000L | random.nextInt(1 << 12);
        long low = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
