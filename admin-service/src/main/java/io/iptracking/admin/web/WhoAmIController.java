package io.iptracking.admin.web;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/me}: who the API key is and what it may do, so that a client (the dashboard) offers only that. */
@RestController
class WhoAmIController {

    /** @param role {@code operator} (reads and changes) or {@code viewer} (reads) */
    record Me(String name, String role) {
    }

    @GetMapping("/api/v1/me")
    Me me(Authentication who) {
        boolean operator = who.getAuthorities().stream().anyMatch(a -> "ROLE_OPERATOR".equals(a.getAuthority()));
        return new Me(who.getName(), operator ? "operator" : "viewer");
    }
}
