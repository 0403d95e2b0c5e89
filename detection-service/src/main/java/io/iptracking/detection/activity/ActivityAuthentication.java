package io.iptracking.detection.activity;

import io.iptracking.common.apikey.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The activity API shows a client's recent paths and geo: personal data. It takes the admin API's
 * keys ({@code ADMIN_API_KEYS}), either role, as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key}; any other request is a 401 problem, the same for no key and a wrong one.
 * The actuator endpoints are not behind it (they name no client).
 */
public final class ActivityAuthentication extends OncePerRequestFilter {

    private final ApiKeys keys;
    private final JsonMapper mapper;

    public ActivityAuthentication(ApiKeys keys, JsonMapper mapper) {
        this.keys = keys;
        this.mapper = mapper;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (keys.find(ApiKeys.presented(request::getHeader)).isPresent()) {
            chain.doFilter(request, response);
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
                "a valid API key is required (Authorization: Bearer <key>): one of ADMIN_API_KEYS, viewer or operator");
        problem.setTitle("Unauthorized");
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(mapper.writeValueAsBytes(problem));
    }
}
