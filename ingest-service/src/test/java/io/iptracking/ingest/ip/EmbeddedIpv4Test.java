package io.iptracking.ingest.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.ClientIp;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddedIpv4Test {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            203.0.113.9              | 203.0.113.9
            ::ffff:203.0.113.9       | 203.0.113.9
            ::203.0.113.9            | 203.0.113.9
            ::cb00:7109              | 203.0.113.9
            64:ff9b::203.0.113.9     | 203.0.113.9
            64:ff9b::cb00:7109       | 203.0.113.9
            2002:cb00:7109::1        | 203.0.113.9
            2002:cb00:7109:ffff:1::2 | 203.0.113.9
            ::                       | ::
            ::1                      | ::1
            ::0.255.255.255          | ::ff:ffff
            64:ff9b:1::203.0.113.9   | 64:ff9b:1::cb00:7109
            64:ff9b::1:203.0.113.9   | 64:ff9b::1:cb00:7109
            2001:db8::203.0.113.9    | 2001:db8::cb00:7109
            2001:0:4136:e378:8000:63bf:34ff:8ef6 | 2001:0:4136:e378:8000:63bf:34ff:8ef6
            2003:cb00:7109::1        | 2003:cb00:7109::1
            """)
    void foldsTheDefaultForms(String address, String folded) {
        assertThat(EmbeddedIpv4.fold(ClientIp.parse(address), EmbeddedIpv4.DEFAULT)).hasToString(folded);
    }

    @Test
    void teredoIsFoldedWhenConfigured() {
        // The Teredo client's address is stored inverted: ~0x34ff8ef6 = 0xcb007109 = 203.0.113.9.
        ClientIp teredo = ClientIp.parse("2001:0:4136:e378:8000:63bf:34ff:8ef6");
        assertThat(EmbeddedIpv4.fold(teredo, EnumSet.of(EmbeddedIpv4.TEREDO))).hasToString("203.0.113.9");
    }

    @ParameterizedTest(name = "{0} stays itself with no form configured")
    @CsvSource(textBlock = """
            ::203.0.113.9
            64:ff9b::203.0.113.9
            2002:cb00:7109::1
            """)
    void nothingIsFoldedWhenNoFormIsConfigured(String address) {
        assertThat(EmbeddedIpv4.fold(ClientIp.parse(address), Set.of())).isEqualTo(ClientIp.parse(address));
    }
}
