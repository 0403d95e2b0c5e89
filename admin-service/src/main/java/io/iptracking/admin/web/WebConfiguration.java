package io.iptracking.admin.web;

import io.iptracking.admin.AdminProperties;
import io.iptracking.common.apikey.ApiKeys;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's security and limits: API keys with two roles (GET needs viewer, everything else
 * operator), problem details for 401 and 403, a request body limit. Everything outside
 * {@code /api/} (health, metrics, OpenAPI, the dashboard page) is open: it holds no data.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class WebConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebConfiguration.class);

    @Bean
    ApiKeys apiKeys(AdminProperties p) {
        ApiKeys keys = new ApiKeys(p.security().apiKeys());
        if (keys.isEmpty()) {
            log.warn("No API keys configured (ADMIN_API_KEYS): every /api call answers 401. "
                    + "Make one with: deploy/local/admin.sh new-api-key <name> operator");
        }
        return keys;
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiKeys keys, JsonMapper mapper) throws Exception {
        byApiKey(http.securityMatcher("/api/**"), keys)
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole("VIEWER")
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasRole("VIEWER")
                        .anyRequest().hasRole("OPERATOR"))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> {
                            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                            Problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED,
                                    "Unauthorized", "a valid API key is required (Authorization: Bearer <key>)"), mapper);
                        })
                        .accessDeniedHandler((request, response, ex) -> Problems.write(response,
                                Problems.of(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden",
                                        "this API key's role may only read; changes need the operator role"), mapper)));
        return http.build();
    }

    /**
     * The actuator (on the management port): open, so that probes and Prometheus need nothing, but a
     * request with an API key is authenticated, and only such a request sees health details.
     */
    @Bean
    @Order(2)
    SecurityFilterChain management(HttpSecurity http, ApiKeys keys) throws Exception {
        byApiKey(http.securityMatcher("/actuator/**"), keys)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    /** Stateless, no cookies, no login form: a request is whoever its API key says, or anonymous. */
    private static HttpSecurity byApiKey(HttpSecurity http, ApiKeys keys) throws Exception {
        return stateless(http).addFilterBefore(new ApiKeyAuthentication(keys), AnonymousAuthenticationFilter.class);
    }

    /** No CSRF tokens, sessions, cookies, login form or request cache: each request stands alone. */
    public static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    }

    @Bean
    @Order(3)
    SecurityFilterChain open(HttpSecurity http) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    /** The OpenAPI document's title and its one security scheme (served at /v3/api-docs, UI at /swagger-ui.html). */
    @Bean
    OpenAPI adminOpenApi() {
        return new OpenAPI()
                .info(new Info().title("ip-tracking admin API").version("v1")
                        .description("Block and allow lists, flagged IPs, reports and erasure. Errors are RFC 9457 problem "
                                + "details (application/problem+json); GET needs the viewer role, everything else operator."))
                .components(new Components().addSecuritySchemes("apiKey",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("An API key from ADMIN_API_KEYS, as Authorization: Bearer <key>")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /**
     * A body that names a field twice is refused: readers disagree on which one counts (Jackson keeps
     * the last, many proxies and loggers the first), so {@code {"cidr":"192.0.2.1","cidr":"0.0.0.0/0"}}
     * could be reviewed as one thing and stored as another.
     */
    @Bean
    JsonMapperBuilderCustomizer refuseDuplicateFields() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler(JsonMapper mapper) {
        return ErrorProblems.requestRejected(mapper);
    }

    @Bean
    ErrorProblems.TomcatReports tomcatProblemReports(JsonMapper mapper) {
        return new ErrorProblems.TomcatReports(mapper);
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(AdminProperties p, JsonMapper mapper) {
        FilterRegistrationBean<RequestSizeLimit> bean = new FilterRegistrationBean<>(
                new RequestSizeLimit(p.security().maxRequestSize().toBytes(), mapper));
        bean.addUrlPatterns("/api/*");
        // Before security: an oversized body is refused without even looking at it.
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return bean;
    }
}
