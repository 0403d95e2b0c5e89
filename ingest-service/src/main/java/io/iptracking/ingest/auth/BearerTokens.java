package io.iptracking.ingest.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;

/**
 * Tells authenticated clients from anonymous ones: a request is authenticated when it carries
 * {@code Authorization: Bearer <JWT>} whose signature verifies against the configured key and whose
 * {@code exp}/{@code nbf} hold now. Anything else (no token, bad signature, expired, wrong algorithm,
 * garbage) is simply anonymous: the edge only needs a stable key, the application still does its
 * own authentication.
 */
public final class BearerTokens {

    /** Tokens longer than this are not even parsed. */
    static final int MAX_TOKEN_LENGTH = 8192;

    private final JWSVerifier verifier;
    private final Clock clock;
    private final Duration clockSkew;

    private BearerTokens(JWSVerifier verifier, Clock clock, Duration clockSkew) {
        this.verifier = verifier;
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /** HMAC (HS256/384/512) with a shared secret of at least 32 bytes. */
    public static BearerTokens hmac(String secret, Clock clock, Duration clockSkew) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalArgumentException("the JWT HMAC secret must be at least 32 bytes (256 bits), was " + key.length);
        }
        try {
            return new BearerTokens(new MACVerifier(key), clock, clockSkew);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable JWT HMAC secret: " + e.getMessage(), e);
        }
    }

    /** RSA (RS256 and kin, PS256 and kin) or EC (ES256 and kin) public key in PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public static BearerTokens publicKey(String pem, Clock clock, Duration clockSkew) {
        PublicKey key = parsePem(pem);
        try {
            JWSVerifier verifier = key instanceof RSAPublicKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECPublicKey) key);
            return new BearerTokens(verifier, clock, clockSkew);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable JWT public key: " + e.getMessage(), e);
        }
    }

    /**
     * The verified subject of an {@code Authorization} header value, or empty when the request is
     * anonymous.
     */
    public Optional<String> subject(String authorization) {
        if (authorization == null || authorization.length() > MAX_TOKEN_LENGTH + 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(authorization.substring(7).strip());
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            if (!verifier.supportedJWSAlgorithms().contains(alg) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (isBefore(claims.getExpirationTime(), now.minus(clockSkew))
                    || isAfter(claims.getNotBeforeTime(), now.plus(clockSkew))
                    || claims.getSubject() == null || claims.getSubject().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(claims.getSubject());
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isBefore(Date date, Instant limit) {
        return date != null && date.toInstant().isBefore(limit);
    }

    private static boolean isAfter(Date date, Instant limit) {
        return date != null && date.toInstant().isAfter(limit);
    }

    private static PublicKey parsePem(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the JWT public key is not PEM: " + e.getMessage(), e);
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (Exception e) {
                // try the next key type
            }
        }
        throw new IllegalArgumentException("the JWT public key is neither an RSA nor an EC key in X.509 PEM form");
    }
}
