package io.iptracking.common.testing.mmdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes MaxMind DB ({@code .mmdb}) files for tests: no library on Maven Central writes them, and tests
 * need databases with known networks and answers. Follows the MaxMind DB format 2.0 specification:
 * an IPv6 search tree with 32-bit records, IPv4 networks stored under {@code ::/96} and the IPv4-mapped
 * block {@code ::ffff:0:0/96} aliased to that same subtree (as MaxMind's own databases do), a data
 * section without pointers (equal records are written once), and the metadata map.
 *
 * <p>Record values are Java values: {@link String} (utf8_string), {@link Double} (double),
 * {@link Float} (float), {@link Boolean} (boolean), {@link Integer} (int32), {@code byte[]} (bytes),
 * {@link Map} with {@link String} keys (map), {@link List} (array), and {@link #uint16}, {@link #uint32},
 * {@link #uint64} for the unsigned types. A bare {@link Long} is refused: the reader maps uint16,
 * uint32 and uint64 to different Java types, so the width must be chosen.
 *
 * <p>Networks are inserted in order; a network inserted inside an earlier, wider one overrides it for
 * its addresses, so insert the wider networks first.
 *
 * <pre>{@code
 * MmdbWriter.create("GeoIP2-City")
 *         .insert("81.2.69.0/24", GeoIp2Records.city("GB", "United Kingdom", "London", 51.5, -0.09))
 *         .write(dir.resolve("City.mmdb"));
 * }</pre>
 */
public final class MmdbWriter {

    private static final int RECORD_BITS = 32;
    private static final int IPV4_DEPTH = 96;
    private static final byte[] METADATA_MARKER = concat(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF},
            "MaxMind.com".getBytes(UTF_8));

    /** An unsigned 16-bit integer (uint16); the reader gives an {@code Integer}. */
    public record Uint16(int value) {
        public Uint16 {
            if (value < 0 || value > 0xFFFF) {
                throw new IllegalArgumentException("uint16 must be 0-65535, was " + value);
            }
        }
    }

    /** An unsigned 32-bit integer (uint32); the reader gives a {@code Long}. */
    public record Uint32(long value) {
        public Uint32 {
            if (value < 0 || value > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("uint32 must be 0-4294967295, was " + value);
            }
        }
    }

    /** An unsigned 64-bit integer (uint64); the reader gives a {@code BigInteger}. */
    public record Uint64(BigInteger value) {
        public Uint64 {
            if (value.signum() < 0 || value.bitLength() > 64) {
                throw new IllegalArgumentException("uint64 must be 0-2^64-1, was " + value);
            }
        }
    }

    public static Uint16 uint16(int value) {
        return new Uint16(value);
    }

    public static Uint32 uint32(long value) {
        return new Uint32(value);
    }

    public static Uint64 uint64(long value) {
        return new Uint64(BigInteger.valueOf(value));
    }

    private final String databaseType;
    private final Map<String, String> description = new LinkedHashMap<>();
    private final List<String> languages = new ArrayList<>(List.of("en"));
    private Instant buildTime = Instant.parse("2026-01-06T00:00:00Z");
    private final Node root = new Node();

    private MmdbWriter(String databaseType) {
        if (databaseType == null || databaseType.isBlank()) {
            throw new IllegalArgumentException("a database type is required, e.g. GeoIP2-City or GeoLite2-ASN");
        }
        this.databaseType = databaseType;
        description.put("en", "ip-tracking test database (" + databaseType + ")");
    }

    /**
     * A writer for a database of this type. GeoIP2 readers check it: it must contain {@code City},
     * {@code Country} or {@code GeoLite2-ASN} for their city, country and ASN lookups.
     */
    public static MmdbWriter create(String databaseType) {
        return new MmdbWriter(databaseType);
    }

    /** The {@code build_epoch} of the metadata; GeoIP2 reports it as the database's build time. */
    public MmdbWriter buildTime(Instant time) {
        this.buildTime = Objects.requireNonNull(time, "build time");
        return this;
    }

    /** The English description in the metadata. */
    public MmdbWriter description(String english) {
        description.put("en", Objects.requireNonNull(english, "description"));
        return this;
    }

    /**
     * Maps every address of {@code network} ({@code 81.2.69.0/24}, {@code 2001:db8::/32}) to
     * {@code record}. IPv4 networks go under {@code ::/96}; an IPv4-mapped network of prefix 96 or
     * longer is folded to IPv4 first, and an IPv6 network between /81 and /95 that
     * holds that block is refused, because the block is an alias of the IPv4 subtree.
     */
    public MmdbWriter insert(String network, Map<String, ?> record) {
        Cidr cidr = Cidr.parse(network);
        if (cidr.prefixLength() == 0) {
            throw new IllegalArgumentException("a /0 network would replace the whole tree: " + network);
        }
        Objects.requireNonNull(record, "record");
        checkValue(record, "record of " + network);
        boolean[] bits = bits(cidr.network());
        int depth = (cidr.version().bits() == 32 ? IPV4_DEPTH : 0) + cidr.prefixLength();
        if (!cidr.network().isIpv4() && depth > 80 && containsMappedBlock(bits, depth)) {
            throw new IllegalArgumentException("::ffff:0:0/96 is an alias of the IPv4 subtree; " + network
                    + " overlaps it: insert IPv4 networks instead");
        }
        Node parent = walk(bits, depth - 1);
        parent.set(bits[depth - 1], new Leaf(Map.copyOf(record)));
        return this;
    }

    /** Writes the database to {@code file} through a temporary file and an atomic rename, as geoipupdate does. */
    public Path write(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.write(temp, toBytes());
            return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The database file's bytes. */
    public byte[] toBytes() {
        // Alias ::ffff:0:0/96 to the IPv4 subtree at ::/96 (whatever is there: a subtree, a record or nothing).
        boolean[] v4 = new boolean[128];
        Node v4Parent = walk(v4, IPV4_DEPTH - 1);
        Object v4Root = v4Parent.get(false);
        boolean[] mapped = new boolean[128];
        for (int i = 80; i < 96; i++) {
            mapped[i] = true;
        }
        Node mappedParent = walk(mapped, IPV4_DEPTH - 1);
        mappedParent.set(true, v4Root);

        // Number the nodes breadth-first; the aliased subtree is numbered once.
        Map<Node, Long> ids = new IdentityHashMap<>();
        List<Node> order = new ArrayList<>();
        Deque<Node> queue = new ArrayDeque<>();
        queue.add(root);
        ids.put(root, 0L);
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            order.add(n);
            for (Object child : new Object[] {n.left, n.right}) {
                if (child instanceof Node c && !ids.containsKey(c)) {
                    ids.put(c, (long) ids.size());
                    queue.add(c);
                }
            }
        }
        long nodeCount = order.size();

        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<Object, Long> offsets = new HashMap<>();
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        for (Node n : order) {
            for (Object child : new Object[] {n.left, n.right}) {
                long value;
                if (child instanceof Node c) {
                    value = ids.get(c);
                } else if (child instanceof Leaf leaf) {
                    Long offset = offsets.get(leaf.record());
                    if (offset == null) {
                        offset = (long) data.size();
                        encode(leaf.record(), data);
                        offsets.put(leaf.record(), offset);
                    }
                    // The spec's data pointer: node_count + 16 (the separator) + offset in the data section.
                    value = nodeCount + 16 + offset;
                } else {
                    value = nodeCount;
                }
                if (value > 0xFFFF_FFFFL) {
                    throw new IllegalStateException("the database is too large for 32-bit records");
                }
                writeUnsigned(tree, value, 4);
            }
        }

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("binary_format_major_version", uint16(2));
        metadata.put("binary_format_minor_version", uint16(0));
        metadata.put("build_epoch", uint64(buildTime.getEpochSecond()));
        metadata.put("database_type", databaseType);
        metadata.put("description", Map.copyOf(description));
        metadata.put("ip_version", uint16(6));
        metadata.put("languages", List.copyOf(languages));
        metadata.put("node_count", uint32(nodeCount));
        metadata.put("record_size", uint16(RECORD_BITS));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tree.toByteArray());
        out.writeBytes(new byte[16]);
        out.writeBytes(data.toByteArray());
        out.writeBytes(METADATA_MARKER);
        encode(metadata, out);
        return out.toByteArray();
    }

    /** The node whose child at {@code bits[depth]} is the next step, creating (or splitting records into) nodes on the way. */
    private Node walk(boolean[] bits, int depth) {
        Node node = root;
        for (int i = 0; i < depth; i++) {
            Object child = node.get(bits[i]);
            Node next;
            if (child instanceof Node n) {
                next = n;
            } else {
                next = new Node();
                if (child instanceof Leaf leaf) {
                    // A wider network covers this path: both halves keep its record.
                    next.left = leaf;
                    next.right = leaf;
                }
                node.set(bits[i], next);
            }
            node = next;
        }
        return node;
    }

    private static boolean[] bits(ClientIp ip) {
        byte[] bytes = ip.toBytes();
        boolean[] bits = new boolean[128];
        int offset = bytes.length == 4 ? IPV4_DEPTH : 0;
        for (int i = 0; i < bytes.length * 8; i++) {
            bits[offset + i] = (bytes[i / 8] & (0x80 >> (i % 8))) != 0;
        }
        return bits;
    }

    /** Whether the network of these bits and prefix length holds (part of) {@code ::ffff:0:0/96}. */
    private static boolean containsMappedBlock(boolean[] bits, int prefixLength) {
        for (int i = 0; i < prefixLength; i++) {
            if (bits[i] != (i >= 80 && i < 96)) {
                return false;
            }
        }
        return true;
    }

    private static void checkValue(Object value, String where) {
        switch (value) {
            case String s -> { }
            case Double d -> { }
            case Float f -> { }
            case Boolean b -> { }
            case Integer i -> { }
            case Uint16 u -> { }
            case Uint32 u -> { }
            case Uint64 u -> { }
            case byte[] b -> { }
            case Map<?, ?> map -> map.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("map keys must be strings in " + where + ", found " + k);
                }
                checkValue(Objects.requireNonNull(v, () -> "null value at " + where + "." + key), where + "." + key);
            });
            case List<?> list -> list.forEach(v -> checkValue(Objects.requireNonNull(v, () -> "null element in " + where), where + "[]"));
            case Long l -> throw new IllegalArgumentException("a bare Long at " + where
                    + " is ambiguous: use MmdbWriter.uint16, uint32 or uint64 (GeoIP2 reads each as a different type)");
            default -> throw new IllegalArgumentException("no MaxMind DB type for " + value.getClass().getName() + " at " + where);
        }
    }

    // Data section encoding (MaxMind DB format 2.0, "Data Section Format").
    private static void encode(Object value, ByteArrayOutputStream out) {
        switch (value) {
            case String s -> {
                byte[] b = s.getBytes(UTF_8);
                control(out, 2, b.length);
                out.writeBytes(b);
            }
            case Double d -> {
                control(out, 3, 8);
                writeUnsigned(out, Double.doubleToLongBits(d), 8);
            }
            case byte[] b -> {
                control(out, 4, b.length);
                out.writeBytes(b);
            }
            case Uint16 u -> unsigned(out, 5, BigInteger.valueOf(u.value()));
            case Uint32 u -> unsigned(out, 6, BigInteger.valueOf(u.value()));
            case Map<?, ?> map -> {
                control(out, 7, map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    encode(e.getKey(), out);
                    encode(e.getValue(), out);
                }
            }
            case Integer i -> {
                control(out, 8, 4);
                writeUnsigned(out, i, 4);
            }
            case Uint64 u -> unsigned(out, 9, u.value());
            case List<?> list -> {
                control(out, 11, list.size());
                list.forEach(v -> encode(v, out));
            }
            case Boolean b -> control(out, 14, b ? 1 : 0);
            case Float f -> {
                control(out, 15, 4);
                writeUnsigned(out, Float.floatToIntBits(f), 4);
            }
            default -> throw new IllegalArgumentException("no MaxMind DB type for " + value.getClass().getName());
        }
    }

    private static void unsigned(ByteArrayOutputStream out, int type, BigInteger value) {
        // Unsigned integers are written in as few bytes as they need (0 for zero).
        byte[] b = value.toByteArray();
        int skip = 0;
        while (skip < b.length && b[skip] == 0) {
            skip++;
        }
        control(out, type, b.length - skip);
        out.write(b, skip, b.length - skip);
    }

    private static void control(ByteArrayOutputStream out, int type, int size) {
        int typeBits = type <= 7 ? type << 5 : 0;
        byte[] sizeBytes;
        int sizeBits;
        if (size < 29) {
            sizeBits = size;
            sizeBytes = new byte[0];
        } else if (size < 29 + 256) {
            sizeBits = 29;
            sizeBytes = new byte[] {(byte) (size - 29)};
        } else if (size < 285 + 65_536) {
            sizeBits = 30;
            int s = size - 285;
            sizeBytes = new byte[] {(byte) (s >> 8), (byte) s};
        } else {
            sizeBits = 31;
            int s = size - 65_821;
            sizeBytes = new byte[] {(byte) (s >> 16), (byte) (s >> 8), (byte) s};
        }
        out.write(typeBits | sizeBits);
        if (type > 7) {
            out.write(type - 7);
        }
        out.writeBytes(sizeBytes);
    }

    private static void writeUnsigned(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static final class Node {
        Object left;
        Object right;

        Object get(boolean bit) {
            return bit ? right : left;
        }

        void set(boolean bit, Object child) {
            if (bit) {
                right = child;
            } else {
                left = child;
            }
        }
    }

    private record Leaf(Map<String, ?> record) {
    }
}
