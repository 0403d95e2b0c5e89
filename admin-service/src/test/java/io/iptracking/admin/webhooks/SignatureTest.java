package io.iptracking.admin.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.svix.Webhook;
import com.svix.exceptions.WebhookVerificationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our signatures, checked by Svix's own Standard Webhooks verifier, which shares no code with ours. */
class SignatureTest {

    @Test
    void svixVerifiesWhatWeSign() throws Exception {
        String secret = Signature.newSecret();
        String body = "{\"type\":\"block.added\",\"data\":{\"reason\":\"caf\u00e9 \u2603\"}}";
        long now = System.currentTimeMillis() / 1000;
        String signature = Signature.sign(secret, "msg_2f1c", now, body);

        new Webhook(secret).verify(body, headers("msg_2f1c", now, signature));
        assertThat(new Webhook(secret).sign("msg_2f1c", now, body)).isEqualTo(signature);
    }

    @Test
    void anyChangeBreaksTheSignature() throws Exception {
        String secret = Signature.newSecret();
        long now = System.currentTimeMillis() / 1000;
        String signature = Signature.sign(secret, "msg_a", now, "{}");

        assertThatThrownBy(() -> new Webhook(secret).verify("{ }", headers("msg_a", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(secret).verify("{}", headers("msg_b", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(Signature.newSecret()).verify("{}", headers("msg_a", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void secretsAreStandardAndUnique() {
        String a = Signature.newSecret();
        assertThat(a).startsWith("whsec_").hasSize("whsec_".length() + 44);
        assertThat(a).isNotEqualTo(Signature.newSecret());
        assertThatThrownBy(() -> Signature.sign("not-a-secret", "msg_a", 1, "{}")).isInstanceOf(IllegalArgumentException.class);
    }

    static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}
