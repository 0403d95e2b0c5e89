package io.iptracking.ingest.auth;

import com.nimbusds.jose.JOSEException;
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
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Tells authenticated clients from anonymous ones: a request is authenticated when it carries
 * {@code Authorization: Bearer <JWT>} whose signature verifies against the configured key and whose
 * claims pass the configured {@link Claims}: an {@code exp} in the future (required unless turned
 * off), {@code nbf} and {@code iat} not in the future, the configured {@code iss} and {@code aud} when
 * set, and a subject, each time within the allowed clock skew. Anything else (no token, bad signature,
 * expired, wrong algorithm, garbage) is simply anonymous, counted by reason in
 * {@code ipt_edge_auth_tokens_total}: the edge only needs a stable key, and the application still does
 * its own authentication.
 */
public final class BearerTokens implements MeterBinder {

    /** Tokens longer than this are not even parsed. */
    static final int MAX_TOKEN_LENGTH = 8192;

    /**
     * What a verified token's claims must hold.
     *
     * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
     * @param requireExpiry whether a token without {@code exp} is refused (a token that never expires
     *     would be an authenticated identity forever once it leaked)
     * @param issuer the required {@code iss}, or null for any
     * @param audience a value {@code aud} must contain, or null for any
     */
    public record Claims(Duration clockSkew, boolean requireExpiry, String issuer, String audience) {

        /** Expiry required, any issuer and audience. */
        public static Claims expiring(Duration clockSkew) {
            return new Claims(clockSkew, true, null, null);
        }
    }

    /** Why a token did not authenticate its request, or that it did. */
    public enum Result {
        AUTHENTICATED, NOT_BEARER, TOO_LONG, MALFORMED, ALGORITHM, SIGNATURE, NO_EXPIRY, EXPIRED, NOT_YET_VALID,
        ISSUED_IN_FUTURE, ISSUER, AUDIENCE, NO_SUBJECT
    }

    /** The verdict on one {@code Authorization} header: the subject when authenticated, else why not. */
    public record Verdict(Result result, String subject) {

        static Verdict anonymous(Result why) {
            return new Verdict(why, null);
        }
    }

    private final JWSVerifier verifier;
    private final Clock clock;
    private final Claims claims;
    private final Map<Result, LongAdder> results = new EnumMap<>(Result.class);

    private BearerTokens(JWSVerifier verifier, Clock clock, Claims claims) {
        this.verifier = verifier;
        this.clock = clock;
        this.claims = claims;
        for (Result r : Result.values()) {
            results.put(r, new LongAdder());
        }
    }

    /** HMAC (HS256/384/512) with a shared secret of at least 32 bytes. */
    public static BearerTokens hmac(String secret, Clock clock, Claims claims) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalArgumentException("the JWT HMAC secret must be at least 32 bytes (256 bits), was " + key.length);
        }
        try {
            return new BearerTokens(new MACVerifier(key), clock, claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable JWT HMAC secret: " + e.getMessage(), e);
        }
    }

    /** RSA (RS256 and kin, PS256 and kin) or EC (ES256 and kin) public key in PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public static BearerTokens publicKey(String pem, Clock clock, Claims claims) {
        PublicKey key = parsePem(pem);
        try {
            JWSVerifier verifier = key instanceof RSAPublicKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECPublicKey) key);
            return new BearerTokens(verifier, clock, claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable JWT public key: " + e.getMessage(), e);
        }
    }

    /**
     * The verified subject of an {@code Authorization} header value, or empty when the request is
     * anonymous.
     */
    public Optional<String> subject(String authorization) {
        return Optional.ofNullable(verify(authorization).subject());
    }

    /**
     * The verdict on an {@code Authorization} header value that is present; each verdict is counted.
     */
    public Verdict verify(String authorization) {
        Verdict verdict = check(authorization);
        results.get(verdict.result()).increment();
        return verdict;
    }

    private Verdict check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.anonymous(Result.NOT_BEARER);
        }
        if (authorization.length() > MAX_TOKEN_LENGTH + 7) {
            return Verdict.anonymous(Result.TOO_LONG);
        }
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(authorization.substring(7).strip());
            set = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return Verdict.anonymous(Result.MALFORMED);
        }
        if (!verifier.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm())) {
            return Verdict.anonymous(Result.ALGORITHM);
        }
        try {
            if (!jwt.verify(verifier)) {
                return Verdict.anonymous(Result.SIGNATURE);
            }
        } catch (JOSEException | RuntimeException e) {
            return Verdict.anonymous(Result.SIGNATURE);
        }
        Instant now = clock.instant();
        Duration skew = claims.clockSkew();
        if (set.getExpirationTime() == null) {
            if (claims.requireExpiry()) {
                return Verdict.anonymous(Result.NO_EXPIRY);
            }
        } else if (set.getExpirationTime().toInstant().isBefore(now.minus(skew))) {
            return Verdict.anonymous(Result.EXPIRED);
        }
        if (isAfter(set.getNotBeforeTime(), now.plus(skew))) {
            return Verdict.anonymous(Result.NOT_YET_VALID);
        }
        if (isAfter(set.getIssueTime(), now.plus(skew))) {
            return Verdict.anonymous(Result.ISSUED_IN_FUTURE);
        }
        if (claims.issuer() != null && !claims.issuer().equals(set.getIssuer())) {
            return Verdict.anonymous(Result.ISSUER);
        }
        if (claims.audience() != null && (set.getAudience() == null || !set.getAudience().contains(claims.audience()))) {
            return Verdict.anonymous(Result.AUDIENCE);
        }
        if (set.getSubject() == null || set.getSubject().isBlank()) {
            return Verdict.anonymous(Result.NO_SUBJECT);
        }
        return new Verdict(Result.AUTHENTICATED, set.getSubject());
    }

    /** {@code ipt_edge_auth_tokens_total{result}}: bearer tokens seen by a rule, by verdict. */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (Map.Entry<Result, LongAdder> e : results.entrySet()) {
            FunctionCounter.builder("ipt.edge.auth.tokens", e.getValue(), LongAdder::sum)
                    .description("Authorization headers of requests a rate-limit rule counted, by verdict "
                            + "(authenticated, or why the request stayed anonymous)")
                    .tag("result", e.getKey().name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
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
