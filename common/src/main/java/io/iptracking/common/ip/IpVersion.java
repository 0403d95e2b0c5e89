package io.iptracking.common.ip;

/** The two IP address families, with their address width in bits. */
public enum IpVersion {
    IPV4(32),
    IPV6(128);

    private final int bits;

    IpVersion(int bits) {
        this.bits = bits;
    }

    /** Address width in bits: 32 or 128; also the longest valid prefix length. */
    public int bits() {
        return bits;
    }
}
