package io.iptracking.admin.bouncers;

import io.iptracking.admin.web.InvalidFieldException;
import io.iptracking.admin.web.Problems;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/bouncers}: the keys of CrowdSec bouncers (operators make and revoke them, viewers list them). */
@RestController
@RequestMapping("/api/v1/bouncers")
class BouncersController {

    /** A new bouncer. */
    record NewBouncer(String name) {
    }

    /** A bouncer as listed. */
    record BouncerView(String name, Instant createdAt, String createdBy, Instant lastPullAt) {

        static BouncerView of(Bouncers.Bouncer b) {
            return new BouncerView(b.name(), b.createdAt(), b.createdBy(), b.lastPullAt());
        }
    }

    /** A new bouncer with its key, shown this once. */
    record CreatedView(String name, Instant createdAt, String apiKey) {
    }

    private final BouncerKeys keys;

    BouncersController(BouncerKeys keys) {
        this.keys = keys;
    }

    @PostMapping
    ResponseEntity<CreatedView> create(@RequestBody NewBouncer body, Principal who) {
        Bouncers.Created created;
        try {
            created = keys.add(body.name(), who.getName());
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("name", e.getMessage());
        }
        return ResponseEntity.created(URI.create("/api/v1/bouncers/" + created.bouncer().name()))
                .body(new CreatedView(created.bouncer().name(), created.bouncer().createdAt(), created.apiKey()));
    }

    @GetMapping
    List<BouncerView> list() {
        return keys.live().stream().map(BouncerView::of).toList();
    }

    @DeleteMapping("/{name}")
    ResponseEntity<?> revoke(@PathVariable String name, Principal who) {
        return keys.revoke(name, who.getName()) ? ResponseEntity.noContent().build()
                : ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found",
                        "no live bouncer is named '" + name + "'"));
    }

    @ExceptionHandler(Bouncers.NameTakenException.class)
    ProblemDetail taken(Bouncers.NameTakenException e) {
        return Problems.of(HttpStatus.CONFLICT, Problems.ENTRY_EXISTS, "Bouncer exists", e.getMessage());
    }
}
