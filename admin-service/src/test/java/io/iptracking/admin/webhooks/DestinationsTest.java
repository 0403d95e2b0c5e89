package io.iptracking.admin.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.admin.AdminProperties;
import io.iptracking.common.ip.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.convert.support.DefaultConversionService;

/** Where webhooks may go: the defaults refuse loopback, link-local and cloud metadata, however written. */
class DestinationsTest {

    /** The defaults as the service binds them, so that this test sees what an operator gets. */
    static final AdminProperties.Webhooks DEFAULTS = defaults();

    /** Names a test makes resolve: a rebinding name that resolves to a public and a metadata address. */
    static final Map<String, String[]> NAMES = Map.of(
            "hooks.example", new String[] {"203.0.113.10"},
            "rebind.example", new String[] {"203.0.113.11", "169.254.169.254"},
            "metadata.google.internal", new String[] {"169.254.169.254"});

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String[] names = NAMES.get(host);
        if (names != null) {
            InetAddress[] out = new InetAddress[names.length];
            for (int i = 0; i < names.length; i++) {
                out[i] = InetAddress.getByName(names[i]);
            }
            return out;
        }
        if (!Character.isDigit(host.charAt(0)) && !host.contains(":")) {
            throw new UnknownHostException(host);
        }
        // Literals only, as the system resolver reads them (no network).
        return InetAddress.getAllByName(host);
    }

    final Destinations destinations = new Destinations(DEFAULTS.allowedDestinations(), DEFAULTS.refusedDestinations(),
            DestinationsTest::resolve);

    @ParameterizedTest
    @ValueSource(strings = {
        "http://169.254.169.254/latest/meta-data/",        // AWS, GCP, Azure, OpenStack metadata
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[fd00:ec2::254]/latest/meta-data/",         // AWS over IPv6 (in fc00::/7)
        "http://168.63.129.16/",                            // Azure's host agent
        "http://10.1.2.3/",                                 // private networks: the inside of the deployment
        "http://172.17.0.1:2375/containers/json",           // a Docker daemon on its bridge
        "http://192.168.1.1/",
        "http://100.64.0.1/",                               // shared address space (carrier NAT)
        "http://[fd12:3456::1]/",
        "http://[64:ff9b::a9fe:a9fe]/",                     // 169.254.169.254 through NAT64
        "http://[2002:a9fe:a9fe::1]/",                      // through 6to4
        "http://100.100.100.200/latest/meta-data/",         // Alibaba Cloud
        "http://[::ffff:169.254.169.254]/",                 // IPv4-mapped
        "http://[::ffff:a9fe:a9fe]/",                       // the same, in hex
        "http://2852039166/",                               // 169.254.169.254 as one decimal number
        "http://169.254.1.1/",                              // link-local
        "http://[fe80::1]/",
        "http://127.0.0.1:9083/actuator/prometheus",        // loopback: admin's own management port
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://rebind.example/"                            // one of its addresses is refused
    })
    void refusesLoopbackLinkLocalAndMetadataHoweverWritten(String url) {
        assertThatThrownBy(() -> destinations.check(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("is refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example/ipt", "http://203.0.113.7:8080/x?y=1", "http://[2001:db8::1]/"})
    void allowsPublicAddressesByDefault(String url) {
        assertThat(destinations.check(url).toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hooks.example/", "file:///etc/passwd", "gopher://hooks.example/", "hooks.example/x", "//hooks.example/",
        "http://user:pw@hooks.example/", "http://hooks.example/#frag", "http://hooks.example:0/", "http://hooks example/",
        "http://hooks.example/\r\nX: y", "http:///x", " ", "http://nowhere.invalid/", "http://hooks.example:99999/",
        "http://127.1/"}) // not a host name to java.net.URI, so never resolved
    void refusesWhatIsNotAnHttpUrlToAHost(String url) {
        assertThatThrownBy(() -> destinations.check(url)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotStartWith("is refused");
    }

    @Test
    void refusesAnOverlongUrl() {
        assertThatThrownBy(() -> destinations.check("https://hooks.example/" + "a".repeat(3000)))
                .hasMessageContaining("longer than 2048");
    }

    @Test
    void aMoreSpecificAllowedRangeOpensOnlyItself() throws Exception {
        Destinations opened = new Destinations(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("127.0.0.1/32")),
                DEFAULTS.refusedDestinations(), DestinationsTest::resolve);
        assertThat(opened.check("http://127.0.0.1:8080/hook").getPort()).isEqualTo(8080);
        assertThat(opened.refusing(InetAddress.getByName("127.0.0.2"))).contains(Cidr.parse("127.0.0.0/8"));
        assertThat(opened.refusing(InetAddress.getByName("169.254.169.254"))).contains(Cidr.parse("169.254.0.0/16"));
    }

    @Test
    void anInternalReceiverIsOpenedByItsOwnRange() {
        Destinations opened = new Destinations(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("10.20.0.0/16")),
                DEFAULTS.refusedDestinations(), DestinationsTest::resolve);
        assertThat(opened.check("http://10.20.3.4:8080/siem").getHost()).isEqualTo("10.20.3.4");
        assertThatThrownBy(() -> opened.check("http://10.21.0.1/")).hasMessageContaining("10.0.0.0/8");
    }

    @Test
    void anAllowListRefusesEverythingElse() {
        Destinations only = new Destinations(List.of(Cidr.parse("203.0.113.0/24")), List.of(), DestinationsTest::resolve);
        assertThat(only.check("https://hooks.example/").getHost()).isEqualTo("hooks.example");
        assertThatThrownBy(() -> only.check("http://10.1.2.3/")).hasMessageContaining("outside ADMIN_WEBHOOKS_ALLOWED_DESTINATIONS");
    }

    @Test
    void equallySpecificRangesRefuse() throws Exception {
        Destinations tie = new Destinations(List.of(Cidr.parse("10.0.0.0/8")), List.of(Cidr.parse("10.0.0.0/8")),
                DestinationsTest::resolve);
        assertThat(tie.refusing(InetAddress.getByName("10.9.9.9"))).isPresent();
    }

    private static AdminProperties.Webhooks defaults() {
        DefaultConversionService conversions = new DefaultConversionService();
        conversions.addConverter(String.class, Cidr.class, Cidr::parse);
        Binder binder = new Binder(List.of(new MapConfigurationPropertySource(Map.of("admin.request-log.enabled", "true"))), null,
                conversions);
        return binder.bindOrCreate("admin", Bindable.of(AdminProperties.class)).webhooks();
    }
}
