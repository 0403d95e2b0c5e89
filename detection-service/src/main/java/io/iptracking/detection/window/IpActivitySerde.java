package io.iptracking.detection.window;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link IpActivity} for the state store and its changelog topic. Written on
 * every request, so it is binary rather than JSON, and it drops dictionary entries that no kept
 * request uses any more. Starts with a format version byte so a later layout can read this one.
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + hits.size() * 16 + paths.size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(a.lastSeen());
            writeGeo(out, a.geo());
            out.writeByte(a.quietUntil().size());
            for (var e : a.quietUntil().entrySet()) {
                out.writeByte(e.getKey().ordinal());
                out.writeLong(e.getValue());
            }
            double[] sample = a.sample();
            out.writeByte(sample == null ? 0 : sample.length);
            if (sample != null) {
                out.writeLong(a.sampledAt());
                for (double v : sample) {
                    out.writeDouble(v);
                }
            }
            writeStrings(out, paths);
            writeStrings(out, agents);
            out.writeInt(hits.size());
            long previous = 0;
            for (Hit h : hits) {
                // Times as deltas: most fit in few bytes, and hits are sorted so deltas are not negative.
                writeVarLong(out, h.at() - previous);
                previous = h.at();
                out.writeShort(h.status());
                writeVarLong(out, pathMap[h.path()]);
                writeVarLong(out, h.agent() < 0 ? 0 : agentMap[h.agent()] + 1);
                out.writeByte((h.authenticated() ? 1 : 0) | (h.sensitive() ? 2 : 0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public IpActivity deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
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
                    sample[i] = in.readDouble();
                }
            }
            List<String> paths = readStrings(in);
            List<String> agents = readStrings(in);
            int n = in.readInt();
            List<Hit> hits = new ArrayList<>(n + 1);
            long at = 0;
            for (int i = 0; i < n; i++) {
                at += readVarLong(in);
                int status = in.readShort();
                int path = (int) readVarLong(in);
                int agent = (int) readVarLong(in) - 1;
                int flags = in.readByte();
                hits.add(new Hit(at, status, path, agent, (flags & 1) != 0, (flags & 2) != 0));
            }
            IpActivity activity = new IpActivity(hits, paths, agents, quiet, geo, lastSeen);
            if (sample != null) {
                activity.sample(sample, sampledAt);
            }
            return activity;
        } catch (IOException e) {
            throw new SerializationException("cannot read IpActivity from " + topic + " (" + data.length + " bytes)", e);
        }
    }

    private static void writeGeo(DataOutputStream out, Geo g) throws IOException {
        out.writeBoolean(g.privateAddress());
        writeNullable(out, g.countryCode());
        writeNullable(out, g.countryName());
        writeNullable(out, g.city());
        writeNullableDouble(out, g.latitude());
        writeNullableDouble(out, g.longitude());
        out.writeBoolean(g.asn() != null);
        if (g.asn() != null) {
            out.writeLong(g.asn());
        }
        writeNullable(out, g.asOrganization());
    }

    private static Geo readGeo(DataInputStream in) throws IOException {
        boolean privateAddress = in.readBoolean();
        String code = readNullable(in);
        String name = readNullable(in);
        String city = readNullable(in);
        Double lat = readNullableDouble(in);
        Double lon = readNullableDouble(in);
        Long asn = in.readBoolean() ? in.readLong() : null;
        String org = readNullable(in);
        return new Geo(code, name, city, lat, lon, asn, org, privateAddress);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeNullableDouble(DataOutputStream out, Double d) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeDouble(d);
        }
    }

    private static Double readNullableDouble(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            writeLongString(out, s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> strings = new ArrayList<>(n + 4);
        for (int i = 0; i < n; i++) {
            strings.add(readLongString(in));
        }
        return strings;
    }

    // writeUTF stops at 64 KB; a path or user agent is attacker-controlled and may be longer.
    private static void writeLongString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        writeVarLong(out, utf8.length);
        out.write(utf8);
    }

    private static String readLongString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[(int) readVarLong(in)];
        in.readFully(utf8);
        return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeVarLong(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("malformed variable-length number");
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
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
