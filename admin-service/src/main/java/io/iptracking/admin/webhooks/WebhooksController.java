package io.iptracking.admin.webhooks;

import io.iptracking.admin.AdminProperties;
import io.iptracking.admin.web.PageView;
import io.iptracking.admin.web.Params;
import io.iptracking.admin.web.Problems;
import io.iptracking.common.json.Json;
import java.net.URI;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/webhooks}: endpoints (operators register and delete them, viewers list them) and their
 * deliveries, the dead ones included, which an operator can have retried.
 */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhooksController {

    /** A new endpoint. */
    record NewWebhook(String url, List<String> events, String description) {
    }

    /** An endpoint as listed: never its secret; for a viewer, the URL without its path and query (they may hold a token). */
    record WebhookView(long id, String url, List<String> events, String description, Instant createdAt, String createdBy) {

        static WebhookView of(Endpoints.Endpoint e, Authentication who) {
            boolean operator = who.getAuthorities().stream().anyMatch(a -> "ROLE_OPERATOR".equals(a.getAuthority()));
            return new WebhookView(e.id(), operator ? e.url() : Endpoints.origin(e.url()),
                    e.events().stream().map(EventType::wireName).toList(), e.description(), e.createdAt(), e.createdBy());
        }
    }

    /** A new endpoint with the secret that signs its deliveries, shown this once. */
    record CreatedView(long id, String url, List<String> events, String description, Instant createdAt, String createdBy,
            String secret) {
    }

    /** One delivery: {@code webhookId} is the {@code webhook-id} header, {@code payload} the body sent. */
    record DeliveryView(long id, String webhookId, String eventType, String status, int attempts, Instant createdAt,
            Instant lastAttemptAt, Integer lastStatus, String lastError, Instant nextAttemptAt, Instant deliveredAt, JsonNode payload) {

        static DeliveryView of(Deliveries.View v) {
            return new DeliveryView(v.id(), v.webhookId(), v.eventType(), v.status().name().toLowerCase(java.util.Locale.ROOT),
                    v.attempts(), v.createdAt(), v.lastAttemptAt(), v.lastStatus(), v.lastError(), v.nextAttemptAt(),
                    v.deliveredAt(), Json.mapper().readTree(v.payload()));
        }
    }

    private final Endpoints endpoints;
    private final Deliveries deliveries;
    private final Clock clock;
    private final int maxPageSize;

    WebhooksController(Endpoints endpoints, Deliveries deliveries, Clock clock, AdminProperties p) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.clock = clock;
        this.maxPageSize = p.lists().maxPageSize();
    }

    @PostMapping
    ResponseEntity<CreatedView> create(@RequestBody NewWebhook body, Authentication who) {
        Endpoints.Created created = endpoints.add(body.url(), body.events(), body.description(), who.getName());
        WebhookView v = WebhookView.of(created.endpoint(), who);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + v.id()))
                .body(new CreatedView(v.id(), v.url(), v.events(), v.description(), v.createdAt(), v.createdBy(), created.secret()));
    }

    @GetMapping
    List<WebhookView> list(Authentication who) {
        return endpoints.live().stream().map(e -> WebhookView.of(e, who)).toList();
    }

    @GetMapping("/{id}")
    ResponseEntity<?> get(@PathVariable long id, Authentication who) {
        return endpoints.find(id).<ResponseEntity<?>>map(e -> ResponseEntity.ok(WebhookView.of(e, who))).orElseGet(() -> notFound(id));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<?> delete(@PathVariable long id, Principal who) {
        return endpoints.delete(id, who.getName()) ? ResponseEntity.noContent().build() : notFound(id);
    }

    @GetMapping("/{id}/deliveries")
    ResponseEntity<?> deliveries(@PathVariable long id, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        Params.page(page, size, maxPageSize);
        Deliveries.Status wanted = Params.enumValue("status", status, Deliveries.Status.class);
        if (endpoints.find(id).isEmpty()) {
            return notFound(id);
        }
        return ResponseEntity.ok(new PageView<>(deliveries.page(id, wanted, page, size).stream().map(DeliveryView::of).toList(),
                page, size, deliveries.count(id, wanted)));
    }

    /** A dead delivery is tried again now, with a new schedule and the same webhook-id. */
    @PostMapping("/{id}/deliveries/{deliveryId}/retry")
    ResponseEntity<?> retry(@PathVariable long id, @PathVariable long deliveryId) {
        if (!deliveries.retry(id, deliveryId, clock.instant())) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found",
                    "webhook " + id + " has no dead delivery " + deliveryId));
        }
        return ResponseEntity.accepted().build();
    }

    @ExceptionHandler(Endpoints.LimitReachedException.class)
    ResponseEntity<ProblemDetail> limit(Endpoints.LimitReachedException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(Problems.of(HttpStatus.CONFLICT, Problems.LIMIT_REACHED, "Too many webhook endpoints", e.getMessage()));
    }

    private static ResponseEntity<ProblemDetail> notFound(long id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "no webhook endpoint with id " + id));
    }
}
