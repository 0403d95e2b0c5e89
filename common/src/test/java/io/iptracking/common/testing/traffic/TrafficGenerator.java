package io.iptracking.common.testing.traffic;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.IpVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic, labelled, reproducible traffic of a web shop as the edge reports it, for evaluating
 * detection: many people browsing in sessions that follow a daily rhythm (quiet at night, peaks at
 * lunch and in the evening), some signed in, a few of them logging in; a few heavy but legitimate API
 * clients; and injected attackers of five kinds ({@link Actor}). The same seed gives the same
 * events, byte for byte.
 *
 * <pre>{@code
 * LabelledTraffic day = TrafficGenerator.withSeed(42).users(3000).generate();
 * }</pre>
 *
 * Addresses come from the benchmarking range 198.18.0.0/15 (RFC 2544) and the documentation prefix
 * 2001:db8::/32 (RFC 3849); AS numbers from the private-use range.
 */
public final class TrafficGenerator {

    private static final List<String> BROWSERS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0");

    /** Paths every scanner wordlist starts with. */
    private static final List<String> PROBES = List.of("/.env", "/.git/config", "/.git/HEAD", "/wp-login.php",
            "/wp-admin/", "/xmlrpc.php", "/phpmyadmin/", "/pma/", "/config.php", "/backup.zip", "/db.sql",
            "/server-status", "/.aws/credentials", "/actuator/env", "/cgi-bin/luci", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
            "/.DS_Store", "/solr/admin/info/system", "/owa/auth/logon.aspx", "/boaform/admin/formLogin", "/console/",
            "/api/v1/pods", "/.well-known/security.txt", "/HNAP1/", "/manager/html", "/druid/index.html");

    private static final Geo[] USER_GEOS = {
            geo("DE", "Germany", "Berlin", 52.52, 13.40, 64512, "Example Broadband DE"),
            geo("DE", "Germany", "Munich", 48.14, 11.58, 64513, "Example Mobile DE"),
            geo("FR", "France", "Paris", 48.86, 2.35, 64514, "Example Telecom FR"),
            geo("NL", "Netherlands", "Amsterdam", 52.37, 4.89, 64515, "Example Fiber NL"),
            geo("GB", "United Kingdom", "London", 51.51, -0.13, 64516, "Example Broadband UK"),
            geo("US", "United States", "New York", 40.71, -74.01, 64517, "Example Cable US"),
            geo("ES", "Spain", "Madrid", 40.42, -3.70, 64518, "Example Movil ES"),
            geo("PL", "Poland", "Warsaw", 52.23, 21.01, 64519, "Example Net PL")};
    private static final Geo[] HOSTING_GEOS = {
            geo("US", "United States", "Ashburn", 39.04, -77.49, 64600, "Example Cloud Inc."),
            geo("NL", "Netherlands", "Amsterdam", 52.37, 4.89, 64601, "Example Hosting B.V."),
            geo("SG", "Singapore", "Singapore", 1.29, 103.85, 64602, "Example VPS Pte."),
            geo("RU", "Russia", "Moscow", 55.76, 37.62, 64603, "Example Datacenter LLC"),
            geo("CN", "China", "Beijing", 39.90, 116.41, 64604, "Example IDC")};

    private final long seed;
    private Instant start = Instant.parse("2026-05-04T00:00:00Z");
    private Duration duration = Duration.ofHours(24);
    private int users = 3000;
    private int apiClients = 4;
    private int scanners = 4;
    private int credentialStuffers = 4;
    private int scrapers = 4;
    private int lowAndSlowProbers = 4;
    private int ipv6Rotators = 4;
    private double memberShare = 0.3;
    private double loginShare = 0.03;
    private Duration attacksAfter = Duration.ZERO;

    private TrafficGenerator(long seed) {
        this.seed = seed;
    }

    public static TrafficGenerator withSeed(long seed) {
        return new TrafficGenerator(seed);
    }

    /** When the traffic starts; should be a UTC midnight for the daily rhythm to fall on the hours of day. */
    public TrafficGenerator start(Instant start) {
        this.start = start;
        return this;
    }

    public TrafficGenerator duration(Duration duration) {
        this.duration = duration;
        return this;
    }

    public TrafficGenerator users(int n) {
        this.users = n;
        return this;
    }

    public TrafficGenerator apiClients(int n) {
        this.apiClients = n;
        return this;
    }

    /** How many attackers of each kind. */
    public TrafficGenerator attackersOfEachKind(int n) {
        this.scanners = n;
        this.credentialStuffers = n;
        this.scrapers = n;
        this.lowAndSlowProbers = n;
        this.ipv6Rotators = n;
        return this;
    }

    /** Share of users who are signed in (their requests carry a subject); 0.3 by default. */
    public TrafficGenerator memberShare(double share) {
        this.memberShare = share;
        return this;
    }

    /**
     * Share of members whose first session of the period starts by logging in (anonymous requests to
     * {@code /login}, sometimes with a mistyped password); 0.03 by default: tokens last weeks.
     */
    public TrafficGenerator loginShare(double share) {
        this.loginShare = share;
        return this;
    }

    /**
     * Attackers start no earlier than this after the start, so that detection has learned from benign
     * traffic first (as it has in production, where it runs continuously); none by default.
     */
    public TrafficGenerator attacksAfter(Duration delay) {
        this.attacksAfter = delay;
        return this;
    }

    public LabelledTraffic generate() {
        SplittableRandom random = new SplittableRandom(seed);
        Run run = new Run(random);
        for (int i = 0; i < users; i++) {
            run.user(random.split());
        }
        for (int i = 0; i < apiClients; i++) {
            run.apiClient(random.split());
        }
        for (int i = 0; i < scanners; i++) {
            run.scanner(random.split());
        }
        for (int i = 0; i < credentialStuffers; i++) {
            run.credentialStuffer(random.split());
        }
        for (int i = 0; i < scrapers; i++) {
            run.scraper(random.split(), i % 2 == 1);
        }
        for (int i = 0; i < lowAndSlowProbers; i++) {
            run.lowAndSlowProber(random.split());
        }
        for (int i = 0; i < ipv6Rotators; i++) {
            run.ipv6Rotator(random.split());
        }
        run.events.sort(Comparator.comparing((EnrichedRequestEvent e) -> e.request().timestamp()));
        return new LabelledTraffic(run.events, run.actors);
    }

    /** One generation: the addresses handed out so far and the events made. */
    private final class Run {
        private final SplittableRandom addresses;
        private final Set<ClientIp> used = new HashSet<>();
        private final List<EnrichedRequestEvent> events = new ArrayList<>();
        private final Map<ClientIp, Actor> actors = new LinkedHashMap<>();
        private final long from = start.toEpochMilli();
        private final long until = start.plus(duration).toEpochMilli();

        Run(SplittableRandom random) {
            this.addresses = random.split();
        }

        void user(SplittableRandom r) {
            ClientIp ip = newIp(Actor.USER);
            Geo geo = USER_GEOS[r.nextInt(USER_GEOS.length)];
            String agent = BROWSERS.get(r.nextInt(BROWSERS.size()));
            boolean member = r.nextDouble() < memberShare;
            String subject = member ? pseudonym(r) : null;
            boolean logsIn = member && r.nextDouble() < loginShare;
            int sessions = 1 + geometric(r, 0.6);
            for (int s = 0; s < sessions; s++) {
                long t = dailyRhythmTime(r);
                if (logsIn && s == 0) {
                    add(ip, geo, r, t, "GET", "/login", 200, agent, null);
                    t += seconds(r, 8, 30);
                    if (r.nextDouble() < 0.2) {
                        add(ip, geo, r, t, "POST", "/login", 401, agent, null);
                        t += seconds(r, 5, 20);
                    }
                    add(ip, geo, r, t, "POST", "/login", 302, agent, null);
                    t += seconds(r, 0.3, 1);
                }
                session(r, ip, geo, agent, subject, t);
            }
        }

        private void session(SplittableRandom r, ClientIp ip, Geo geo, String agent, String subject, long t) {
            int pages = 2 + Math.min(38, geometric(r, 1.0 / 9));
            String page = "/";
            for (int p = 0; p < pages && t < until; p++) {
                int status = r.nextDouble() < 0.012 ? 404 : r.nextDouble() < 0.05 ? 304 : 200;
                add(ip, geo, r, t, "GET", page, status, agent, subject);
                if (r.nextDouble() < 0.5) {
                    add(ip, geo, r, t + seconds(r, 0.2, 1.5), "GET", subject == null ? "/api/cart" : "/api/account",
                            subject != null && r.nextDouble() < 0.004 ? 401 : 200, agent, subject);
                }
                page = nextPage(r);
                // Think time: log-normal, median about 20 s, a long tail of minutes.
                t += (long) (1000 * Math.min(900, Math.exp(Math.log(20) + 0.9 * r.nextGaussian())));
            }
        }

        private String nextPage(SplittableRandom r) {
            double x = r.nextDouble();
            if (x < 0.55) {
                return "/products/" + zipfProduct(r);
            } else if (x < 0.7) {
                return "/category/" + (1 + r.nextInt(24));
            } else if (x < 0.82) {
                return "/search";
            } else if (x < 0.92) {
                return "/cart";
            } else if (x < 0.97) {
                return "/";
            }
            return "/checkout";
        }

        void apiClient(SplittableRandom r) {
            ClientIp ip = newIp(Actor.API_CLIENT);
            Geo geo = HOSTING_GEOS[r.nextInt(2)];
            String agent = "partner-sync/" + (1 + r.nextInt(3)) + "." + r.nextInt(10) + " (+https://partner" + r.nextInt(100) + ".example)";
            String subject = pseudonym(r);
            double meanGapSeconds = 5 + r.nextDouble() * 10;
            for (long t = from + (long) (r.nextDouble() * 60_000); t < until; ) {
                if (r.nextDouble() < 0.5) {
                    add(ip, geo, r, t, "GET", "/api/v1/orders", r.nextDouble() < 0.6 ? 304 : 200, agent, subject);
                } else {
                    add(ip, geo, r, t, "GET", "/api/v1/inventory/" + (1000 + r.nextInt(400)), r.nextDouble() < 0.01 ? 404 : 200,
                            agent, subject);
                }
                t += (long) (1000 * meanGapSeconds * (0.7 + 0.6 * r.nextDouble()));
            }
        }

        void scanner(SplittableRandom r) {
            ClientIp ip = newIp(Actor.SCANNER);
            Geo geo = HOSTING_GEOS[r.nextInt(HOSTING_GEOS.length)];
            String agent = r.nextBoolean() ? "Mozilla/5.0 zgrab/0.x" : "Mozilla/5.0 (compatible; Nuclei - Open-source project)";
            int probes = 200 + r.nextInt(600);
            long t = attackStart(r, Duration.ofHours(1));
            long gap = 300 + r.nextInt(2000);
            for (int i = 0; i < probes && t < until; i++) {
                String path = i < PROBES.size() ? PROBES.get(i) : "/" + Long.toString(r.nextLong() & 0xffffffL, 36) + (r.nextBoolean() ? ".php" : "/");
                int status = path.startsWith("/wp-admin") || path.startsWith("/server-status") ? 403 : 404;
                add(ip, geo, r, t, "GET", path, status, agent, null);
                t += (long) (gap * (0.5 + r.nextDouble()));
            }
        }

        void credentialStuffer(SplittableRandom r) {
            ClientIp ip = newIp(Actor.CREDENTIAL_STUFFER);
            Geo geo = HOSTING_GEOS[r.nextInt(HOSTING_GEOS.length)];
            int attempts = 40 + r.nextInt(160);
            long t = attackStart(r, Duration.ofHours(2));
            long gap = 5_000 + r.nextInt(40_000);
            for (int i = 0; i < attempts && t < until; i++) {
                String agent = BROWSERS.get(r.nextInt(BROWSERS.size()));
                if (i % 10 == 0) {
                    add(ip, geo, r, t, "GET", "/login", 200, agent, null);
                    t += 500;
                }
                add(ip, geo, r, t, "POST", "/login", r.nextDouble() < 0.01 ? 302 : 401, agent, null);
                t += (long) (gap * (0.5 + r.nextDouble()));
            }
        }

        void scraper(SplittableRandom r, boolean fast) {
            ClientIp ip = newIp(Actor.SCRAPER);
            Geo geo = HOSTING_GEOS[r.nextInt(HOSTING_GEOS.length)];
            String agent = BROWSERS.get(r.nextInt(BROWSERS.size()));
            // Slow ones stay under 100 requests an hour; fast ones do not care.
            double perHour = fast ? 250 + r.nextInt(250) : 80 + r.nextInt(15);
            long gap = (long) (3_600_000 / perHour);
            long t = attackStart(r, Duration.ofHours(8));
            long end = Math.min(until, t + Duration.ofHours(3 + r.nextInt(5)).toMillis());
            int product = 1 + r.nextInt(100);
            for (; t < end; product++) {
                add(ip, geo, r, t, "GET", "/products/" + product, r.nextDouble() < 0.08 ? 404 : 200, agent, null);
                t += (long) (gap * (0.8 + 0.4 * r.nextDouble()));
            }
        }

        void lowAndSlowProber(SplittableRandom r) {
            ClientIp ip = newIp(Actor.LOW_AND_SLOW_PROBER);
            Geo geo = HOSTING_GEOS[r.nextInt(HOSTING_GEOS.length)];
            String agent = BROWSERS.get(r.nextInt(BROWSERS.size()));
            long t = attackStart(r, Duration.ofHours(12));
            long end = Math.min(until, t + Duration.ofHours(6 + r.nextInt(6)).toMillis());
            long gap = 180_000 + r.nextInt(180_000);
            for (int i = 0; t < end; i++) {
                String path = PROBES.get(i % PROBES.size());
                int status = path.startsWith("/wp-admin") || path.startsWith("/server-status") ? 403
                        : r.nextDouble() < 0.1 ? 200 : 404;
                add(ip, geo, r, t, "GET", path, status, agent, null);
                t += (long) (gap * (0.85 + 0.3 * r.nextDouble()));
            }
        }

        void ipv6Rotator(SplittableRandom r) {
            long network = newIpv6Network();
            Geo geo = HOSTING_GEOS[r.nextInt(HOSTING_GEOS.length)];
            String agent = "Mozilla/5.0 zgrab/0.x";
            int probes = 200 + r.nextInt(400);
            long t = attackStart(r, Duration.ofHours(1));
            long gap = 300 + r.nextInt(2000);
            for (int i = 0; i < probes && t < until; i++) {
                ClientIp ip;
                do {
                    ip = ClientIp.of(IpVersion.IPV6, network, r.nextLong());
                } while (!used.add(ip));
                actors.put(ip, Actor.IPV6_ROTATOR);
                String path = i < PROBES.size() ? PROBES.get(i) : "/" + Long.toString(r.nextLong() & 0xffffffL, 36) + ".php";
                add(ip, geo, r, t, "GET", path, 404, agent, null);
                t += (long) (gap * (0.5 + r.nextDouble()));
            }
        }

        private void add(ClientIp ip, Geo geo, SplittableRandom r, long at, String method, String path, int status,
                String agent, String subject) {
            if (at < from || at >= until) {
                return;
            }
            UUID id = new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L);
            RequestEvent request = new RequestEvent(id, Instant.ofEpochMilli(at), ip, method, "shop.example", path, status,
                    (long) (2 + r.nextInt(60)), agent, subject, Decision.ALLOWED, null, Mode.PROXY);
            events.add(new EnrichedRequestEvent(request, geo));
        }

        private ClientIp newIp(Actor actor) {
            ClientIp ip;
            do {
                if (addresses.nextDouble() < 0.2) {
                    ip = ClientIp.of(IpVersion.IPV6, newIpv6Network(), 1 + addresses.nextInt(255));
                } else {
                    int host = addresses.nextInt(1 << 17);
                    ip = ClientIp.fromBytes(new byte[] {(byte) 198, (byte) (18 + (host >> 16)), (byte) (host >> 8), (byte) host});
                }
            } while (!used.add(ip));
            actors.put(ip, actor);
            return ip;
        }

        /** The upper 64 bits of an IPv6 /64 in 2001:db8::/32 (documentation addresses). */
        private long newIpv6Network() {
            return 0x2001_0db8_0000_0000L | (addresses.nextLong() & 0xFFFF_FFFFL);
        }

        /** A time in the period, more likely in busy hours: peaks at 13:00 and 20:30 UTC, lowest around 04:00. */
        private long dailyRhythmTime(SplittableRandom r) {
            while (true) {
                long t = from + (long) (r.nextDouble() * (until - from));
                double hour = ((t / 1000.0) % 86_400) / 3600;
                double intensity = 0.08 + 0.55 * Math.exp(-Math.pow(hour - 13, 2) / 8) + Math.exp(-Math.pow(hour - 20.5, 2) / 6);
                if (r.nextDouble() * 1.1 < intensity) {
                    return t;
                }
            }
        }

        private long attackStart(SplittableRandom r, Duration before) {
            long earliest = Math.min(until - 1, from + attacksAfter.toMillis());
            long latest = Math.max(earliest + 1, until - before.toMillis());
            return earliest + (long) (r.nextDouble() * (latest - earliest));
        }
    }

    private static Geo geo(String code, String country, String city, double lat, double lon, long asn, String org) {
        return new Geo(code, country, city, lat, lon, asn, org, false);
    }

    private static String pseudonym(SplittableRandom r) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return HexFormat.of().formatHex(b);
    }

    /** Failures before the first success, each try succeeding with probability {@code p}. */
    private static int geometric(SplittableRandom r, double p) {
        return (int) Math.floor(Math.log(1 - r.nextDouble()) / Math.log(1 - p));
    }

    private static long seconds(SplittableRandom r, double min, double max) {
        return (long) (1000 * (min + r.nextDouble() * (max - min)));
    }

    /** Product ids 1..2000, popular ones far more often (Zipf-like, exponent about 1). */
    private static int zipfProduct(SplittableRandom r) {
        return (int) Math.min(2000, Math.floor(Math.exp(r.nextDouble() * Math.log(2001))));
    }
}
