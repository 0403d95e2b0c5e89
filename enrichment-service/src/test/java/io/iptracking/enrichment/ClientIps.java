package io.iptracking.enrichment;

import io.iptracking.common.ip.ClientIp;
import java.util.SplittableRandom;

/** Made-up client addresses for the benchmarks: public-looking IPv4 and, one in ten, IPv6. */
final class ClientIps {

    private ClientIps() {
    }

    static ClientIp[] publicMix(int count, SplittableRandom random) {
        ClientIp[] ips = new ClientIp[count];
        for (int i = 0; i < count; i++) {
            if (i % 10 == 9) {
                byte[] v6 = new byte[16];
                random.nextBytes(v6);
                v6[0] = (byte) (0x20 | (v6[0] & 0x0f)); // 2000::/4, global unicast
                v6[1] = (byte) (v6[1] & 0x0f);          // mostly allocated /12s
                ips[i] = ClientIp.fromBytes(v6);
            } else {
                byte[] v4 = new byte[4];
                random.nextBytes(v4);
                v4[0] = (byte) (1 + random.nextInt(223)); // 1-223: unicast
                ips[i] = ClientIp.fromBytes(v4);
            }
        }
        return ips;
    }
}
