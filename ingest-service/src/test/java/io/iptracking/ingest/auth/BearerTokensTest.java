package io.iptracking.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BearerTokensTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final BearerTokens hmac = BearerTokens.hmac(SECRET, CLOCK, BearerTokens.Claims.expiring(SKEW));

    @Test
    void validHmacTokenYieldsItsSubject() throws Exception {
        assertThat(hmac.subject("Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, "alice", NOW.plusSeconds(60))))
                .contains("alice");
        assertThat(hmac.subject("bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, "alice", NOW.plusSeconds(60))))
                .contains("alice");
    }

    @Test
    void anythingElseIsAnonymous() throws Exception {
        MACSigner other = new MACSigner("another-secret-another-secret-xx");
        assertThat(hmac.subject(null)).isEmpty();
        assertThat(hmac.subject("")).isEmpty();
        assertThat(hmac.subject("Basic dXNlcjpwYXNz")).isEmpty();
        assertThat(hmac.subject("Bearer ")).isEmpty();
        assertThat(hmac.subject("Bearer not.a.jwt")).isEmpty();
        assertThat(hmac.subject("Bearer " + "x".repeat(20_000))).isEmpty();
        assertThat(hmac.subject("Bearer " + token(other, JWSAlgorithm.HS256, "alice", NOW.plusSeconds(60)))).isEmpty();
        assertThat(hmac.subject("Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, "alice", NOW.minusSeconds(31))))
                .as("expired beyond the allowed skew").isEmpty();
        assertThat(hmac.subject("Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, "alice", NOW.minusSeconds(29))))
                .as("expired within the allowed skew").contains("alice");
        assertThat(hmac.subject("Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, null, NOW.plusSeconds(60))))
                .as("no subject").isEmpty();
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().subject("alice").build()).serialize();
        assertThat(hmac.subject("Bearer " + unsigned)).as("alg none").isEmpty();
    }

    @Test
    void notYetValidTokensAreAnonymous() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice").expirationTime(Date.from(NOW.plusSeconds(600)))
                .notBeforeTime(Date.from(NOW.plusSeconds(120))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET));
        assertThat(hmac.subject("Bearer " + jwt.serialize())).isEmpty();
    }

    /** Each check on its own: a token valid in every other respect, changed in one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void everyClaimIsCheckedAndTheReasonCounted(BearerTokens.Result expected, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        BearerTokens strict = BearerTokens.hmac(SECRET, CLOCK, new BearerTokens.Claims(SKEW, true, "issuer-1", "app-1"));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("alice").issuer("issuer-1").audience(List.of("other", "app-1"))
                .issueTime(Date.from(NOW.minusSeconds(10))).notBeforeTime(Date.from(NOW.minusSeconds(10)))
                .expirationTime(Date.from(NOW.plusSeconds(600)));
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(new MACSigner(SECRET));
        BearerTokens.Verdict verdict = strict.verify("Bearer " + jwt.serialize());
        assertThat(verdict.result()).isEqualTo(expected);
        assertThat(verdict.subject()).isEqualTo(expected == BearerTokens.Result.AUTHENTICATED ? "alice" : null);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        strict.bindTo(registry);
        assertThat(registry.get("ipt.edge.auth.tokens").tag("result", expected.name().toLowerCase(java.util.Locale.ROOT))
                .functionCounter().count()).isEqualTo(1);
    }

    static Stream<Arguments> changes() {
        Consumer<JWTClaimsSet.Builder> none = c -> { };
        return Stream.of(
                Arguments.of(BearerTokens.Result.AUTHENTICATED, none),
                Arguments.of(BearerTokens.Result.NO_EXPIRY, (Consumer<JWTClaimsSet.Builder>) c -> c.expirationTime(null)),
                Arguments.of(BearerTokens.Result.EXPIRED,
                        (Consumer<JWTClaimsSet.Builder>) c -> c.expirationTime(Date.from(NOW.minusSeconds(31)))),
                Arguments.of(BearerTokens.Result.AUTHENTICATED,
                        (Consumer<JWTClaimsSet.Builder>) c -> c.expirationTime(Date.from(NOW.minusSeconds(29)))),
                Arguments.of(BearerTokens.Result.NOT_YET_VALID,
                        (Consumer<JWTClaimsSet.Builder>) c -> c.notBeforeTime(Date.from(NOW.plusSeconds(31)))),
                Arguments.of(BearerTokens.Result.AUTHENTICATED,
                        (Consumer<JWTClaimsSet.Builder>) c -> c.notBeforeTime(Date.from(NOW.plusSeconds(29)))),
                Arguments.of(BearerTokens.Result.ISSUED_IN_FUTURE,
                        (Consumer<JWTClaimsSet.Builder>) c -> c.issueTime(Date.from(NOW.plusSeconds(31)))),
                Arguments.of(BearerTokens.Result.ISSUER, (Consumer<JWTClaimsSet.Builder>) c -> c.issuer("issuer-2")),
                Arguments.of(BearerTokens.Result.ISSUER, (Consumer<JWTClaimsSet.Builder>) c -> c.issuer(null)),
                Arguments.of(BearerTokens.Result.AUDIENCE, (Consumer<JWTClaimsSet.Builder>) c -> c.audience("app-2")),
                Arguments.of(BearerTokens.Result.AUDIENCE, (Consumer<JWTClaimsSet.Builder>) c -> c.audience((String) null)),
                Arguments.of(BearerTokens.Result.NO_SUBJECT, (Consumer<JWTClaimsSet.Builder>) c -> c.subject(" ")));
    }

    @Test
    void expiryCanBeMadeOptional() throws Exception {
        BearerTokens lenient = BearerTokens.hmac(SECRET, CLOCK, new BearerTokens.Claims(SKEW, false, null, null));
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("alice").build());
        jwt.sign(new MACSigner(SECRET));
        assertThat(lenient.verify("Bearer " + jwt.serialize()).result()).isEqualTo(BearerTokens.Result.AUTHENTICATED);
        assertThat(hmac.verify("Bearer " + jwt.serialize()).result()).as("required by default").isEqualTo(BearerTokens.Result.NO_EXPIRY);
    }

    @Test
    void verifiesRsaAndEcTokensWithPublicKeys() throws Exception {
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        BearerTokens rsaTokens = BearerTokens.publicKey(pem(rsa), CLOCK, BearerTokens.Claims.expiring(SKEW));
        assertThat(rsaTokens.subject("Bearer " + token(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, "bob", NOW.plusSeconds(60))))
                .contains("bob");
        assertThat(rsaTokens.subject("Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, "bob", NOW.plusSeconds(60))))
                .as("HMAC token against an RSA key").isEmpty();

        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGen.generateKeyPair();
        BearerTokens ecTokens = BearerTokens.publicKey(pem(ec), CLOCK, BearerTokens.Claims.expiring(SKEW));
        assertThat(ecTokens.subject("Bearer " + token(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, "carol", NOW.plusSeconds(60))))
                .contains("carol");
    }

    @Test
    void refusesUnusableKeysAtStartUp() {
        assertThatThrownBy(() -> BearerTokens.hmac("short", CLOCK, BearerTokens.Claims.expiring(SKEW)))
                .hasMessage("the JWT HMAC secret must be at least 32 bytes (256 bits), was 5");
        assertThatThrownBy(() -> BearerTokens.publicKey("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----", CLOCK, BearerTokens.Claims.expiring(SKEW)))
                .hasMessageStartingWith("the JWT public key is not PEM");
        assertThatThrownBy(() -> BearerTokens.publicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", CLOCK, BearerTokens.Claims.expiring(SKEW)))
                .hasMessage("the JWT public key is neither an RSA nor an EC key in X.509 PEM form");
    }

    private static String token(JWSSigner signer, JWSAlgorithm alg, String subject, Instant expires) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expires)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
