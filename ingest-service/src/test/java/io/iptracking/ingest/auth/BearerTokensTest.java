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
import org.junit.jupiter.api.Test;

class BearerTokensTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final BearerTokens hmac = BearerTokens.hmac(SECRET, CLOCK, SKEW);

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
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice").notBeforeTime(Date.from(NOW.plusSeconds(120))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET));
        assertThat(hmac.subject("Bearer " + jwt.serialize())).isEmpty();
    }

    @Test
    void verifiesRsaAndEcTokensWithPublicKeys() throws Exception {
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        BearerTokens rsaTokens = BearerTokens.publicKey(pem(rsa), CLOCK, SKEW);
        assertThat(rsaTokens.subject("Bearer " + token(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, "bob", NOW.plusSeconds(60))))
                .contains("bob");
        assertThat(rsaTokens.subject("Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, "bob", NOW.plusSeconds(60))))
                .as("HMAC token against an RSA key").isEmpty();

        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGen.generateKeyPair();
        BearerTokens ecTokens = BearerTokens.publicKey(pem(ec), CLOCK, SKEW);
        assertThat(ecTokens.subject("Bearer " + token(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, "carol", NOW.plusSeconds(60))))
                .contains("carol");
    }

    @Test
    void refusesUnusableKeysAtStartUp() {
        assertThatThrownBy(() -> BearerTokens.hmac("short", CLOCK, SKEW))
                .hasMessage("the JWT HMAC secret must be at least 32 bytes (256 bits), was 5");
        assertThatThrownBy(() -> BearerTokens.publicKey("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----", CLOCK, SKEW))
                .hasMessageStartingWith("the JWT public key is not PEM");
        assertThatThrownBy(() -> BearerTokens.publicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", CLOCK, SKEW))
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
