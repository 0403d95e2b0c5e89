package io.iptracking.detection.window;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary form of a {@link ClientWindow} in the client store and its changelog topic: written on
 * every request, so compact (numbers as variable-length integers, times as offsets) rather than JSON.
 *
 * <p>The layout is stable: it starts with a format byte ({@link #FORMAT}), names rules by their names
 * (never enum ordinals) and sample kinds by fixed bits, and a golden-bytes test pins it. A reader
 * refuses a format it does not know with a {@link SerializationException} instead of guessing. Counts
 * read from a record are checked against the bounds the writer keeps and arithmetic on its numbers
 * is checked for overflow, so a corrupt or forged record cannot make the reader allocate without
 * limit; {@link #forStore()} reads such a record as absent.
 */
public final class ClientWindowSerde implements Serde<ClientWindow>, Serializer<ClientWindow>, Deserializer<ClientWindow> {

    /** The format this code writes and reads. (Format 1 was the per-request layout of earlier versions.) */
    public static final byte FORMAT = 2;

    private static final Logger log = LoggerFactory.getLogger(ClientWindowSerde.class);

    // No more than the writer keeps: 10,000 buckets in a window (DetectionProperties.Window) plus the
    // grace, and a distinct-path capacity of at most 1,024 (the scanning threshold's maximum).
    private static final int MAX_BUCKETS = 20_000;
    private static final int MAX_KEYS = 1_024;

    private final boolean lenient;

    /** Refuses what it cannot read with a {@link SerializationException}. */
    public ClientWindowSerde() {
        this(false);
    }

    private ClientWindowSerde(boolean lenient) {
        this.lenient = lenient;
    }

    /**
     * For the client store: a window it cannot read (a corrupt or forged changelog record) is logged
     * and read as absent, so the client starts afresh and the next put replaces it, instead of every
     * request of that client failing and a purge step stopping at it.
     */
    public static ClientWindowSerde forStore() {
        return new ClientWindowSerde(true);
    }

    @Override
    public byte[] serialize(String topic, ClientWindow w) {
        if (w == null) {
            return null;
        }
        List<Bucket> buckets = w.buckets();
        Output out = OUTPUT.get();
        out.reset();
        out.writeByte(FORMAT);
        out.writeVar(w.bucketMs());
        long lastSeen = w.lastSeen();
        out.writeLong(lastSeen);
        out.writeLong(w.lastAgent());
        out.writeLong(w.sampledAt());
        byte[] geo = w.geoEncoding();
        if (geo == null) {
            geo = encoded(g -> writeGeo(g, w.geo()));
            w.geoEncoding(geo);
        }
        out.writeBytes(geo);
        out.writeVar(w.quietUntil().size());
        for (Map.Entry<FlagRule, Long> e : w.quietUntil().entrySet()) {
            out.writeString(e.getKey().name());
            out.writeLong(e.getValue());
        }
        out.writeVar(buckets.size());
        long previous = buckets.isEmpty() ? 0 : buckets.getFirst().index;
        out.writeLong(previous);
        for (Bucket b : buckets) {
            out.writeVar(b.index - previous);
            previous = b.index;
            byte[] encoding = b.encoding;
            if (encoding == null) {
                encoding = encoded(e -> writeCounts(e, b, w.bucketMs()));
                b.encoding = encoding;
            }
            out.writeBytes(encoding);
        }
        writeKeys(out, w.paths(), lastSeen);
        writeKeys(out, w.agents(), lastSeen);
        List<SamplePaths.Sample> samples = w.samples().all();
        out.writeVar(samples.size());
        for (SamplePaths.Sample s : samples) {
            out.writeUtf8(s.utf8());
            out.writeVar(lastSeen - s.at());
            out.writeVar(s.kinds());
        }
        return out.toByteArray();
    }

    @Override
    public ClientWindow deserialize(String topic, byte[] data) {
        try {
            return read(topic, data);
        } catch (SerializationException e) {
            if (!lenient) {
                throw e;
            }
            log.warn("A client window in {} cannot be read and is taken as absent: {}", topic, e.getMessage());
            return null;
        }
    }

    private ClientWindow read(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            Input in = new Input(data);
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown client window format " + format + " in " + topic);
            }
            long bucketMs = in.readVar();
            long lastSeen = in.readLong();
            long lastAgent = in.readLong();
            long sampledAt = in.readLong();
            Geo geo = readGeo(in);
            int quietCount = in.readCount(FlagRule.values().length * 4);
            List<Map.Entry<FlagRule, Long>> quiet = new ArrayList<>();
            for (int i = 0; i < quietCount; i++) {
                String rule = in.readString();
                long until = in.readLong();
                try {
                    quiet.add(Map.entry(FlagRule.valueOf(rule), until));
                } catch (IllegalArgumentException unknownRule) {
                    // A rule a later version added: its cool-down means nothing to this one.
                }
            }
            int bucketCount = in.readCount(MAX_BUCKETS);
            long index = in.readLong();
            List<Bucket> buckets = new ArrayList<>(bucketCount);
            for (int i = 0; i < bucketCount; i++) {
                index = Math.addExact(index, in.readOffset());
                Bucket b = new Bucket(index);
                long start = Math.multiplyExact(index, bucketMs);
                b.requests = in.readInt();
                int present = in.readByte();
                b.sensitive = (present & 1) != 0 ? in.readInt() : 0;
                b.authFailures = (present & 2) != 0 ? in.readInt() : 0;
                b.notFound = (present & 4) != 0 ? in.readInt() : 0;
                b.errors = (present & 8) != 0 ? in.readInt() : 0;
                b.withStatus = (present & 16) != 0 ? in.readInt() : 0;
                b.agentChanges = (present & 32) != 0 ? in.readInt() : 0;
                b.firstAt = Math.addExact(start, in.readOffset());
                b.lastAt = Math.addExact(b.firstAt, in.readOffset());
                if ((present & 64) != 0) {
                    b.gaps = in.readInt();
                    b.gapSum = in.readOffset();
                    b.gapSquares = Double.longBitsToDouble(in.readLong());
                }
                int statuses = in.readCount(Bucket.MAX_STATUSES);
                b.statuses = new short[statuses];
                b.statusCounts = new int[statuses];
                for (int s = 0; s < statuses; s++) {
                    b.statuses[s] = (short) in.readInt();
                    b.statusCounts[s] = in.readInt();
                }
                buckets.add(b);
            }
            int pathCapacity = in.readCount(MAX_KEYS);
            ClientWindow w = new ClientWindow(bucketMs, pathCapacity);
            readKeys(in, w.paths(), lastSeen);
            in.readCount(MAX_KEYS);
            readKeys(in, w.agents(), lastSeen);
            int samples = in.readCount(SamplePaths.KEPT);
            for (int i = 0; i < samples; i++) {
                String path = in.readString();
                long at = Math.subtractExact(lastSeen, in.readOffset());
                w.samples().restore(new SamplePaths.Sample(path, at, in.readInt()));
            }
            w.buckets().addAll(buckets);
            quiet.forEach(e -> w.quiet(e.getKey(), e.getValue()));
            w.restore(geo, lastSeen, lastAgent, sampledAt);
            return w;
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException | IllegalArgumentException | ArithmeticException e) {
            throw new SerializationException("cannot read a client window from " + topic + " (" + data.length + " bytes): " + e, e);
        }
    }

    /** What {@code write} writes, as its own array: a part a window keeps written until it changes. */
    private static byte[] encoded(Consumer<Output> write) {
        Output out = SCRATCH.get();
        out.reset();
        write.accept(out);
        return out.toByteArray();
    }

    /** A bucket's counts, after its index: what {@link Bucket#encoding} keeps. */
    private static void writeCounts(Output out, Bucket b, long bucketMs) {
        long start = b.index * bucketMs;
        out.writeVar(b.requests);
        // Most counts of most buckets are 0: a bit per count says which follow.
        int present = (b.sensitive != 0 ? 1 : 0) | (b.authFailures != 0 ? 2 : 0) | (b.notFound != 0 ? 4 : 0)
                | (b.errors != 0 ? 8 : 0) | (b.withStatus != 0 ? 16 : 0) | (b.agentChanges != 0 ? 32 : 0)
                | (b.gaps != 0 ? 64 : 0);
        out.writeByte(present);
        writeIf(out, present, 1, b.sensitive);
        writeIf(out, present, 2, b.authFailures);
        writeIf(out, present, 4, b.notFound);
        writeIf(out, present, 8, b.errors);
        writeIf(out, present, 16, b.withStatus);
        writeIf(out, present, 32, b.agentChanges);
        out.writeVar(b.firstAt - start);
        out.writeVar(b.lastAt - b.firstAt);
        if (b.gaps != 0) {
            out.writeVar(b.gaps);
            out.writeVar(b.gapSum);
            out.writeLong(Double.doubleToRawLongBits(b.gapSquares));
        }
        out.writeVar(b.statuses.length);
        for (int i = 0; i < b.statuses.length; i++) {
            out.writeVar(b.statuses[i]);
            out.writeVar(b.statusCounts[i]);
        }
    }

    private static void writeIf(Output out, int present, int bit, int value) {
        if ((present & bit) != 0) {
            out.writeVar(value);
        }
    }

    private static void writeKeys(Output out, RecentKeys keys, long lastSeen) {
        out.writeVar(keys.capacity());
        int n = keys.size();
        out.writeVar(n);
        out.ensure(n * (8 + 10));
        for (int i = 0; i < n; i++) {
            out.putLong(keys.key(i));
            out.putVar(lastSeen - keys.lastAt(i));
        }
    }

    private static void readKeys(Input in, RecentKeys keys, long lastSeen) {
        int n = in.readCount(keys.capacity());
        for (int i = 0; i < n; i++) {
            long key = in.readLong();
            keys.restore(key, Math.subtractExact(lastSeen, in.readOffset()));
        }
    }

    private static void writeGeo(Output out, Geo g) {
        out.writeByte(g.privateAddress() ? 1 : 0);
        out.writeNullable(g.countryCode());
        out.writeNullable(g.countryName());
        out.writeNullable(g.city());
        writeNullableDouble(out, g.latitude());
        writeNullableDouble(out, g.longitude());
        out.writeByte(g.asn() == null ? 0 : 1);
        if (g.asn() != null) {
            out.writeVar(g.asn());
        }
        out.writeNullable(g.asOrganization());
    }

    private static Geo readGeo(Input in) {
        boolean privateAddress = in.readByte() != 0;
        String code = in.readNullable();
        String name = in.readNullable();
        String city = in.readNullable();
        Double lat = readNullableDouble(in);
        Double lon = readNullableDouble(in);
        Long asn = in.readByte() != 0 ? in.readVar() : null;
        String org = in.readNullable();
        return new Geo(code, name, city, lat, lon, asn, org, privateAddress);
    }

    private static void writeNullableDouble(Output out, Double d) {
        out.writeByte(d == null ? 0 : 1);
        if (d != null) {
            out.writeLong(Double.doubleToRawLongBits(d));
        }
    }

    private static Double readNullableDouble(Input in) {
        return in.readByte() != 0 ? Double.longBitsToDouble(in.readLong()) : null;
    }

    // One buffer per thread, grown to the largest window it wrote: a window is written on every
    // request, and a new buffer each time (grown as it fills) costs more than the writing.
    private static final ThreadLocal<Output> OUTPUT = ThreadLocal.withInitial(Output::new);
    // For the parts a window keeps written (a bucket, the geo), while OUTPUT holds the window.
    private static final ThreadLocal<Output> SCRATCH = ThreadLocal.withInitial(Output::new);

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** A growable byte array with the few writes the format needs. */
    private static final class Output {
        private byte[] buf = new byte[4096];
        private int pos;

        void reset() {
            pos = 0;
        }

        void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void writeLong(long v) {
            ensure(8);
            putLong(v);
        }

        void writeVar(long v) {
            ensure(10);
            putVar(v);
        }

        /** {@link #writeLong} where {@link #ensure} made room already. */
        void putLong(long v) {
            LONGS.set(buf, pos, v);
            pos += 8;
        }

        /** {@link #writeVar} where {@link #ensure} made room already. */
        void putVar(long v) {
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void writeBytes(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }

        void writeString(String s) {
            writeUtf8(s.getBytes(StandardCharsets.UTF_8));
        }

        /** A string already in UTF-8: its length, then its bytes. */
        void writeUtf8(byte[] utf8) {
            writeVar(utf8.length);
            writeBytes(utf8);
        }

        void writeNullable(String s) {
            writeByte(s == null ? 0 : 1);
            if (s != null) {
                writeString(s);
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    private static final class Input {
        private final byte[] buf;
        private int pos;

        Input(byte[] buf) {
            this.buf = buf;
        }

        byte readByte() {
            return buf[pos++];
        }

        long readLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        long readVar() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new SerializationException("malformed variable-length number in a client window");
        }

        /** A difference or an offset: never negative in what a writer writes. */
        long readOffset() {
            long v = readVar();
            if (v < 0) {
                throw new SerializationException("negative offset in a client window");
            }
            return v;
        }

        int readInt() {
            long v = readVar();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new SerializationException("count out of range in a client window: " + v);
            }
            return (int) v;
        }

        /** A count, refused above {@code max}: no record makes the reader allocate more than a writer would. */
        int readCount(int max) {
            int n = readInt();
            if (n > max) {
                throw new SerializationException("count " + n + " exceeds " + max + " in a client window");
            }
            return n;
        }

        String readString() {
            int length = readCount(buf.length - pos);
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        String readNullable() {
            return readByte() != 0 ? readString() : null;
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure.
    }

    @Override
    public void close() {
        // Stateless.
    }

    @Override
    public Serializer<ClientWindow> serializer() {
        return this;
    }

    @Override
    public Deserializer<ClientWindow> deserializer() {
        return this;
    }
}
