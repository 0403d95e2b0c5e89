package io.iptracking.admin.bouncers;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a CrowdSec bouncer by its key ({@code X-Api-Key}, as bouncers send it) against the
 * live keys ({@link BouncerKeys#authenticate}): the principal is the {@link Bouncers.Bouncer}, with the role BOUNCER only. The admin
 * API's keys are not bouncer keys, nor the other way round. An unknown key stays anonymous.
 */
public final class BouncerAuthentication extends OncePerRequestFilter {

    /** Longer than any key this system makes; a longer header is not hashed. */
    private static final int MAX_KEY_LENGTH = 256;

    private final BouncerKeys keys;

    public BouncerAuthentication(BouncerKeys keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader("X-Api-Key");
        if (key != null && !key.isEmpty() && key.length() <= MAX_KEY_LENGTH) {
            keys.authenticate(key).ifPresent(bouncer -> {
                var context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(bouncer, null,
                        List.of(new SimpleGrantedAuthority("ROLE_BOUNCER"))));
                SecurityContextHolder.setContext(context);
            });
        }
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
