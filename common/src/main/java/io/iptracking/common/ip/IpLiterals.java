package io.iptracking.common.ip;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.AddressStringParameters.RangeParameters;

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
