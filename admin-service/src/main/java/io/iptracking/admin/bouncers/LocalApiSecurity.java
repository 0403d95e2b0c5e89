package io.iptracking.admin.bouncers;

import io.iptracking.admin.web.Problems;
import io.iptracking.admin.web.WebConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may use CrowdSec's Local API ({@code /v1}): a bouncer key ({@code X-Api-Key}), and nothing else,
 * reads decisions and reports usage. CrowdSec answers a bad key with 403; so does this. First of the
 * security chains, so the admin API's own keys never apply here.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class LocalApiSecurity {

    @Bean
    @Order(0)
    SecurityFilterChain localApi(HttpSecurity http, BouncerKeys keys, JsonMapper mapper) throws Exception {
        WebConfiguration.stateless(http.securityMatcher("/v1/**"))
                .addFilterBefore(new BouncerAuthentication(keys), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a.anyRequest().hasRole("BOUNCER"))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> Problems.write(response, Problems.of(
                                HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", "a valid bouncer key is required (X-Api-Key)"),
                                mapper))
                        .accessDeniedHandler((request, response, ex) -> Problems.write(response, Problems.of(HttpStatus.FORBIDDEN,
                                Problems.FORBIDDEN, "Forbidden", "a bouncer may only read decisions"), mapper)));
        return http.build();
    }
}
