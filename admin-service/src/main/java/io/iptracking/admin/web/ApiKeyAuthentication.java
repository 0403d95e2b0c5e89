package io.iptracking.admin.web;

import io.iptracking.common.apikey.ApiKeys;
import io.iptracking.common.apikey.Role;
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
 * Authenticates a request by its API key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}). A request without a key stays anonymous; one with an unknown key too,
 * so both get the same 401 and a prober learns nothing.
 */
final class ApiKeyAuthentication extends OncePerRequestFilter {

    private final ApiKeys keys;

    ApiKeyAuthentication(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        keys.find(ApiKeys.presented(request::getHeader)).ifPresent(key -> {
            List<SimpleGrantedAuthority> roles = key.role() == Role.OPERATOR
                    ? List.of(new SimpleGrantedAuthority("ROLE_VIEWER"), new SimpleGrantedAuthority("ROLE_OPERATOR"))
                    : List.of(new SimpleGrantedAuthority("ROLE_VIEWER"));
            var context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(key.name(), null, roles));
            SecurityContextHolder.setContext(context);
        });
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
