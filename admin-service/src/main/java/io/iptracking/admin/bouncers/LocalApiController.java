package io.iptracking.admin.bouncers;

import io.iptracking.admin.web.InvalidFieldException;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.InvalidIpException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.iptracking.admin.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bouncer side of CrowdSec's Local API ({@code /v1}), as CrowdSec's own {@code
 * controllers/v1/decisions.go} serves it, so that existing CrowdSec bouncers enforce the blocklist
 * unchanged. A bouncer authenticates with {@code X-Api-Key} (a key made through {@code
 * /api/v1/bouncers}); it may read decisions and report usage, nothing else.
 */
@RestController
@RequestMapping("/v1")
class LocalApiController {

    private static final Logger log = LoggerFactory.getLogger(LocalApiController.class);

    /**
     * Addresses that may pull with one key, each with a cursor of its own (a copy of the decisions):
     * a key holder cannot make the table grow without bound by pulling from ever new addresses.
     */
    static final int MAX_ADDRESSES_PER_KEY = 32;

    private final Bouncers bouncers;
    private final CurrentDecisions decisions;
    private final TransactionTemplate tx;
    private final JsonMapper mapper;
    private final Clock clock;
    private final Counter pulls;
    private final Counter startups;
    private final Counter unfinished;

    LocalApiController(Bouncers bouncers, CurrentDecisions decisions, TransactionTemplate tx, JsonMapper mapper, Clock clock,
            MeterRegistry registry) {
        this.bouncers = bouncers;
        this.decisions = decisions;
        this.tx = tx;
        this.mapper = mapper;
        this.clock = clock;
        this.pulls = Counter.builder("ipt.admin.bouncer.pulls").tag("startup", "false")
                .description("Decision streams written to bouncers").register(registry);
        this.startups = Counter.builder("ipt.admin.bouncer.pulls").tag("startup", "true").register(registry);
        this.unfinished = Counter.builder("ipt.admin.bouncer.pulls.unfinished")
                .description("Decision streams that could not be written to the bouncer (its cursor stays)").register(registry);
    }

    /**
     * {@code GET /v1/decisions/stream}: with {@code startup=true} every current decision as new (and
     * the bouncer's cursor set to them), else what changed since the last answer this bouncer received
     * from this address: new or changed decisions, and deleted ones (unblocked, expired, now allowed)
     * with a negative duration. The cursor, kept per key and address (instances may share a key), advances
     * only once the answer was written to the connection.
     */
    @RequestMapping(path = "/decisions/stream", method = {RequestMethod.GET, RequestMethod.HEAD})
    void stream(@RequestParam(defaultValue = "false") String startup, @RequestParam(required = false) String scopes,
            @RequestParam(required = false) String origins,
            @RequestParam(name = "scenarios_containing", required = false) String containing,
            @RequestParam(name = "scenarios_not_containing", required = false) String notContaining,
            @AuthenticationPrincipal Bouncers.Bouncer bouncer, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if ("HEAD".equals(request.getMethod())) {
            // As CrowdSec: a bouncer checks its key with it, whatever the parameters.
            response.setStatus(HttpStatus.OK.value());
            return;
        }
        boolean fromScratch = switch (startup) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidFieldException("startup", "is true or false");
        };
        String client = request.getRemoteAddr();
        Decisions.Filter filter = new Decisions.Filter(scopes == null ? Decisions.Filter.DEFAULT_SCOPES : words(scopes),
                words(origins), words(containing), words(notContaining));
        Instant now = clock.instant();
        Map<Cidr, Decision> current = filter.apply(decisions.at(now));
        Map<Cidr, Decision> held = fromScratch ? Map.of() : bouncers.held(bouncer.id(), client);
        if (held.isEmpty() && bouncers.otherClients(bouncer.id(), client) >= MAX_ADDRESSES_PER_KEY) {
            throw new TooManyAddressesException(bouncer.name());
        }
        Decisions.Delta delta = fromScratch ? new Decisions.Delta(List.copyOf(current.values()), List.of())
                : Decisions.Delta.between(held, current);
        byte[] body = mapper.writeValueAsBytes(Map.of(
                "new", delta.added().stream().map(d -> d.toJson(now, false)).toList(),
                "deleted", delta.deleted().stream().map(d -> d.toJson(now, true)).toList()));
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        try {
            OutputStream out = response.getOutputStream();
            out.write(body);
            out.flush();
        } catch (IOException e) {
            unfinished.increment();
            log.info("The decisions for bouncer {} at {} could not be written ({}); it gets them again on its next pull",
                    bouncer.name(), client, e.toString());
            return;
        }
        tx.executeWithoutResult(status -> {
            if (fromScratch) {
                bouncers.replace(bouncer.id(), client, current, now);
            } else {
                bouncers.advance(bouncer.id(), client, delta, now);
            }
        });
        (fromScratch ? startups : pulls).increment();
    }

    /**
     * {@code GET /v1/decisions} (a bouncer's live mode): the decisions that cover {@code ip} (or
     * {@code range}, or have exactly {@code value}), or JSON {@code null} when none does.
     */
    @RequestMapping(path = "/decisions", method = {RequestMethod.GET, RequestMethod.HEAD})
    ResponseEntity<String> decisions(@RequestParam(required = false) String ip,
            @RequestParam(required = false) String range, @RequestParam(required = false) String scope,
            @RequestParam(required = false) String value, @RequestParam(required = false) String type) {
        ClientIp address = ip == null ? null : parse("ip", () -> ClientIp.parse(ip));
        Cidr within = range == null ? null : parse("range", () -> Cidr.parse(range));
        Instant now = clock.instant();
        List<Map<String, Object>> found = decisions.at(now).values().stream()
                .filter(d -> address == null || d.value().contains(address))
                .filter(d -> within == null || d.value().contains(within))
                .filter(d -> scope == null || d.scope().equalsIgnoreCase(scope))
                .filter(d -> value == null || d.valueText().equals(value))
                .filter(d -> type == null || "ban".equalsIgnoreCase(type))
                .map(d -> d.toJson(now, false)).toList();
        // CrowdSec answers null, not [], when no decision applies; bouncers expect it.
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(found.isEmpty() ? "null" : mapper.writeValueAsString(found));
    }

    /** {@code POST /v1/usage-metrics}: taken and not kept (CrowdSec forwards them to its console). */
    @PostMapping("/usage-metrics")
    ResponseEntity<Void> usageMetrics() {
        return ResponseEntity.status(HttpStatus.CREATED).build();
    }

    /** Too many addresses pull with one key. */
    static final class TooManyAddressesException extends RuntimeException {

        TooManyAddressesException(String bouncer) {
            super(MAX_ADDRESSES_PER_KEY + " addresses already pull with the key of bouncer '" + bouncer + "': give each bouncer "
                    + "instance its own key (revoking this one forgets them)");
        }
    }

    @ExceptionHandler(TooManyAddressesException.class)
    ResponseEntity<ProblemDetail> tooMany(TooManyAddressesException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, Problems.LIMIT_REACHED, "Too many addresses for one key", e.getMessage()));
    }

    private static List<String> words(String list) {
        return list == null ? List.of() : Arrays.stream(list.split(",")).map(String::strip).filter(w -> !w.isEmpty()).toList();
    }

    private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (InvalidIpException e) {
            throw new InvalidFieldException(field, e.getMessage());
        }
    }
}
