package io.iptracking.common.ip;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.AddressStringParameters.RangeParameters;
import java.util.Arrays;

/**
 * Strict parsing of IP address literals, shared by {@link ClientIp} and {@link Cidr}. Only the
 * standard forms are accepted: four decimal IPv4 parts without leading zeros, and RFC 4291 IPv6
 * text (with an optional dotted IPv4 tail). Host names are never resolved. The checks before the
 * library call exist to give each common mistake a precise message.
 */
final class IpLiterals {

    /** Longest standard literal: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
    static final int MAX_LITERAL_LENGTH = 45;

    private static final IPAddressStringParameters STRICT = new IPAddressStringParameters.Builder()
            .allowEmpty(false)
            .allowAll(false)
            .allowSingleSegment(false)
            .allowMask(false)
            .allowPrefix(false)
            .allowWildcardedSeparator(false)
            .setRangeOptions(RangeParameters.NO_RANGE)
            .getIPv4AddressParametersBuilder()
                .allow_inet_aton(false)
                .allowLeadingZeros(false)
                .allowUnlimitedLeadingZeros(false)
                .allowBinary(false)
                .getParentBuilder()
            .getIPv6AddressParametersBuilder()
                .allowZone(false)
                .allowBase85(false)
                .allowBinary(false)
                .allowMixed(true)
                .allowUnlimitedLeadingZeros(false)
                .getParentBuilder()
            .toParams();

    private IpLiterals() {
    }

    /**
     * Parses one address literal, reporting failures as {@code kind} (e.g. "IP address", "CIDR")
     * against {@code input} (the whole text the caller was given).
     */
    static IPAddress parseAddress(String literal, String kind, String input) {
        String reason = reasonToReject(literal);
        if (reason != null) {
            throw new InvalidIpException(kind, input, reason);
        }
        try {
            return new IPAddressString(literal, STRICT).toAddress();
        } catch (AddressStringException | RuntimeException e) {
            throw new InvalidIpException(kind, input,
                    literal.indexOf(':') >= 0 ? "it is not a valid IPv6 address" : "it is not a valid IPv4 address");
        }
    }

    /**
     * The address of a standard IPv4 literal (four decimal parts from 0 to 255, no leading zeros, nothing
     * else), or -1 for any other text, which {@link #parseAddress} then accepts or explains.
     */
    static long dottedQuad(String s) {
        int length = s.length();
        if (length < 7 || length > 15) {
            return -1;
        }
        long address = 0;
        int part = 0;
        int digits = 0;
        int parts = 0;
        for (int i = 0; i <= length; i++) {
            char c = i < length ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && part == 0) {
                    return -1; // a leading zero
                }
                part = part * 10 + (c - '0');
                if (++digits > 3 || part > 255) {
                    return -1;
                }
            } else if (c == '.' && digits > 0 && ++parts <= 4) {
                address = address << 8 | part;
                part = 0;
                digits = 0;
            } else {
                return -1;
            }
        }
        return parts == 4 ? address : -1;
    }

    /**
     * The address of an IPv6 literal already in the canonical form of RFC 5952 (lower-case hex without
     * leading zeros, the longest run of two or more zero groups, leftmost on a tie, written {@code ::}),
     * as {high, low}; null for any other text, which {@link #parseAddress} then accepts or explains, and
     * for IPv4-mapped addresses, which {@link ClientIp} folds.
     */
    static long[] canonicalIpv6(String s) {
        int length = s.length();
        if (length < 2 || length > 39) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // where '::' stands, in groups
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
        }
        while (i < length) {
            int value = 0;
            int digits = 0;
            while (i < length && digits <= 4) {
                int digit = Character.digit(s.charAt(i), 16);
                if (digit < 0 || Character.isUpperCase(s.charAt(i))) {
                    break;
                }
                value = value << 4 | digit;
                digits++;
                i++;
            }
            if (digits == 0 || digits > 4 || count == 8) {
                return null;
            }
            groups[count++] = value;
            if (i == length) {
                break;
            }
            if (s.charAt(i) != ':' || ++i == length) {
                return null;
            }
            if (s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            }
        }
        if (gap >= 0) {
            int shift = 8 - count;
            System.arraycopy(groups, gap, groups, gap + shift, count - gap);
            Arrays.fill(groups, gap, gap + shift, 0);
        } else if (count != 8) {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int g = 0; g < 4; g++) {
            high = high << 16 | groups[g];
            low = low << 16 | groups[g + 4];
        }
        if (high == 0 && low >>> 32 == 0xffff) {
            return null;
        }
        // Whatever was read, only the canonical text of the address read is taken as it.
        return canonicalIpv6(groups).equals(s) ? new long[] {high, low} : null;
    }

    /** The RFC 5952 text of eight 16-bit groups. */
    private static String canonicalIpv6(int[] groups) {
        int runStart = -1;
        int runLength = 1; // a single zero group is never compressed
        for (int g = 0; g < 8; ) {
            int end = g;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - g > runLength) {
                runStart = g;
                runLength = end - g;
            }
            g = end == g ? g + 1 : end;
        }
        StringBuilder text = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == runStart) {
                text.append("::");
                g += runLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[g]));
        }
        return text.toString();
    }

    /** Null when the literal passes the shape checks; otherwise why it fails them. */
    private static String reasonToReject(String s) {
        if (s.isEmpty()) {
            return "it is empty";
        }
        if (s.length() > MAX_LITERAL_LENGTH) {
            return "it is too long (" + s.length() + " characters, at most " + MAX_LITERAL_LENGTH + ")";
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return "it contains whitespace or control characters";
            }
            if (c > 0x7e) {
                return "it contains non-ASCII characters";
            }
        }
        if (s.indexOf('%') >= 0) {
            return "zone ids (the '%' suffix) are not allowed";
        }
        if (s.indexOf('[') >= 0 || s.indexOf(']') >= 0) {
            return "brackets are not allowed; give the bare address";
        }
        int colons = count(s, ':');
        if (colons == 0) {
            return ipv4Reason(s);
        }
        if (colons == 1 && s.indexOf('.') >= 0) {
            return "it looks like an IPv4 address with a port; give the address alone";
        }
        if (s.indexOf('.') >= 0 && ipv4Reason(s.substring(s.lastIndexOf(':') + 1)) != null) {
            // The library is lenient with an embedded IPv4 tail (shortened forms); hold it to the
            // same rules as a plain IPv4 address.
            return "it is not a valid IPv6 address";
        }
        return null;
    }

    private static String ipv4Reason(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                return s.indexOf('.') >= 0 && isHexOrOctalPrefixed(s)
                        ? "only decimal IPv4 parts are allowed"
                        : "it is not an IP address literal (host names are never resolved)";
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return "an IPv4 address has 4 dot-separated parts, this has " + parts.length;
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                return "it has an empty part";
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                return "part '" + part + "' has a leading zero (ambiguous: octal or decimal)";
            }
            if (part.length() > 3 || Integer.parseInt(part) > 255) {
                return "part '" + part + "' is greater than 255";
            }
        }
        return null;
    }

    private static boolean isHexOrOctalPrefixed(String s) {
        for (String part : s.split("\\.", -1)) {
            if (part.startsWith("0x") || part.startsWith("0X")) {
                return true;
            }
        }
        return false;
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
