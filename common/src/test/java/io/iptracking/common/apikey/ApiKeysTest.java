package io.iptracking.common.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void aConfiguredHashFindsItsKeyAndNothingElse() {
        String key = ApiKey.generate();
        ApiKey alice = ApiKey.parse("alice:operator:" + HexFormat.of().formatHex(ApiKey.hash(key)));
        ApiKey bob = ApiKey.parse("bob:VIEWER:" + HexFormat.of().formatHex(ApiKey.hash("bobs-key")));
        ApiKeys keys = new ApiKeys(List.of(bob, alice));

        assertThat(keys.find(key)).contains(alice);
        assertThat(keys.find("bobs-key")).contains(bob);
        assertThat(keys.find(key + "x")).isEmpty();
        assertThat(keys.find("")).isEmpty();
        assertThat(keys.find(null)).isEmpty();
        assertThat(alice.role()).isEqualTo(Role.OPERATOR);
        assertThat(alice.toString()).doesNotContain(HexFormat.of().formatHex(alice.sha256()));
    }

    @Test
    void generatedKeysAreLongAndDifferent() {
        assertThat(ApiKey.generate()).startsWith("ipt_").hasSizeGreaterThan(40).isNotEqualTo(ApiKey.generate());
    }

    @Test
    void badConfigurationIsRefusedWithAReason() {
        assertThatThrownBy(() -> ApiKey.parse("alice:admin:" + "0".repeat(64))).hasMessage("API key 'alice' has role 'admin'; use viewer or operator");
        assertThatThrownBy(() -> ApiKey.parse("alice:viewer:abc")).hasMessage("API key 'alice' needs the SHA-256 of the key: 64 hex digits");
        assertThatThrownBy(() -> ApiKey.parse("alice-secret")).hasMessageStartingWith("an API key is configured as name:role:sha256hex");
        assertThatThrownBy(() -> new ApiKeys(List.of(ApiKey.parse("a:viewer:" + "0".repeat(64)), ApiKey.parse("a:operator:" + "1".repeat(64)))))
                .hasMessageContaining("same name");
    }
}
