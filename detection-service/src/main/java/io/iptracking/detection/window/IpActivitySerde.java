package io.iptracking.detection.window;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link IpActivity} for the state store and its changelog topic. Written and
 * read on every request, so it is hand-rolled binary over a byte array (times as variable-length
 * deltas) rather than JSON, and it drops dictionary entries that no kept request uses any more.
 * Starts with a format version byte so a later layout can still read this one.
 */
public final class IpActivitySerde implements Serde<IpActivity>, Serializer<IpActivity>, Deserializer<IpActivity> {

    private static final byte FORMAT = 1;
    private static final FlagRule[] RULES = FlagRule.values();

    @Override
    public byte[] serialize(String topic, IpActivity a) {
        if (a == null) {
            return null;
        }
        List<Hit> hits = a.hits();
        int[] pathMap = new int[a.pathCount()];
        int[] agentMap = new int[a.agentDictionary().size()];
        Arrays.fill(pathMap, -1);
        Arrays.fill(agentMap, -1);
        List<String> paths = new ArrayList<>();
        List<String> agents = new ArrayList<>();
        for (Hit h : hits) {
            if (pathMap[h.path()] < 0) {
                pathMap[h.path()] = paths.size();
                paths.add(a.path(h.path()));
            }
            if (h.agent() >= 0 && agentMap[h.agent()] < 0) {
                agentMap[h.agent()] = agents.size();
                agents.add(a.agent(h.agent()));
            }
        }
        Output out = new Output(128 + hits.size() * 12 + paths.size() * 32 + agents.size() * 96);
        out.writeByte(FORMAT);
        out.writeLong(a.lastSeen());
        writeGeo(out, a.geo());
        out.writeByte(a.quietUntil().size());
        for (Map.Entry<FlagRule, Long> e : a.quietUntil().entrySet()) {
            out.writeByte(e.getKey().ordinal());
            out.writeLong(e.getValue());
        }
        double[] sample = a.sample();
        out.writeByte(sample == null ? 0 : sample.length);
        if (sample != null) {
            out.writeLong(a.sampledAt());
            for (double v : sample) {
                out.writeLong(Double.doubleToRawLongBits(v));
            }
        }
        out.writeVar(paths.size());
        paths.forEach(out::writeString);
        out.writeVar(agents.size());
        agents.forEach(out::writeString);
        out.writeVar(hits.size());
        long previous = 0;
        for (Hit h : hits) {
            // Times as deltas: hits are sorted, so deltas are small and never negative.
            out.writeVar(h.at() - previous);
            previous = h.at();
            out.writeVar(h.status());
            out.writeVar(pathMap[h.path()]);
            out.writeVar(h.agent() < 0 ? 0 : agentMap[h.agent()] + 1);
            out.writeByte((h.authenticated() ? 1 : 0) | (h.sensitive() ? 2 : 0) | (h.refusedByEdge() ? 4 : 0));
        }
        return out.toByteArray();
    }

    @Override
    public IpActivity deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            Input in = new Input(data);
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown IpActivity format " + format + " in " + topic);
            }
            long lastSeen = in.readLong();
            Geo geo = readGeo(in);
            EnumMap<FlagRule, Long> quiet = new EnumMap<>(FlagRule.class);
            int quietCount = in.readByte();
            for (int i = 0; i < quietCount; i++) {
                quiet.put(RULES[in.readByte()], in.readLong());
            }
            int sampleLength = in.readByte();
            double[] sample = null;
            long sampledAt = 0;
            if (sampleLength > 0) {
                sampledAt = in.readLong();
                sample = new double[sampleLength];
                for (int i = 0; i < sampleLength; i++) {
                    sample[i] = Double.longBitsToDouble(in.readLong());
                }
            }
            List<String> paths = readStrings(in);
            List<String> agents = readStrings(in);
            int n = (int) in.readVar();
            List<Hit> hits = new ArrayList<>(n + 1);
            long at = 0;
            for (int i = 0; i < n; i++) {
                at += in.readVar();
                int status = (int) in.readVar();
                int path = (int) in.readVar();
                int agent = (int) in.readVar() - 1;
                int flags = in.readByte();
                // The flag of value 4 came later: state written before it reads as "not refused by the edge".
                hits.add(new Hit(at, status, path, agent, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0));
            }
            IpActivity activity = new IpActivity(hits, paths, agents, quiet, geo, lastSeen);
            if (sample != null) {
                activity.sample(sample, sampledAt);
            }
            return activity;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new SerializationException("cannot read IpActivity from " + topic + " (" + data.length + " bytes): truncated", e);
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

    private static List<String> readStrings(Input in) {
        int n = (int) in.readVar();
        List<String> strings = new ArrayList<>(n + 4);
        for (int i = 0; i < n; i++) {
            strings.add(in.readString());
        }
        return strings;
    }

    /** A growable byte array with the few writes the format needs. */
    private static final class Output {
        private byte[] buf;
        private int pos;

        Output(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int n) {
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
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        void writeVar(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        // Length-prefixed UTF-8 with no size limit: paths and user agents are attacker-controlled.
        void writeString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeVar(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, pos, utf8.length);
            pos += utf8.length;
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
            throw new SerializationException("malformed variable-length number in IpActivity");
        }

        String readString() {
            int length = (int) readVar();
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
    public Serializer<IpActivity> serializer() {
        return this;
    }

    @Override
    public Deserializer<IpActivity> deserializer() {
        return this;
    }
}
