package io.iptracking.detection.activity;

import io.iptracking.common.ip.ClientIp;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only: the current window of one IP. With several instances, the one that holds the IP's
 * partition answers; any other redirects there (307), so a client may ask any instance.
 */
@RestController
class ActivityController {

    static final String PATH = "/api/v1/ips/{ip}/activity";

    private final ActivityQuery query;

    ActivityController(ActivityQuery query) {
        this.query = query;
    }

    @GetMapping(PATH)
    ResponseEntity<?> activity(@PathVariable String ip) {
        ClientIp clientIp = ClientIp.parse(ip);
        return switch (query.lookup(clientIp)) {
            case ActivityLookup.Found f -> ResponseEntity.ok(f.view());
            case ActivityLookup.Elsewhere e -> ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
                    .location(URI.create("http://" + e.host() + ":" + e.port() + PATH.replace("{ip}", clientIp.toString())))
                    .build();
            case ActivityLookup.Unknown u -> {
                ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                        "No request from " + clientIp + " in the current window.");
                p.setTitle("IP not seen");
                p.setProperty("servedBy", u.servedBy());
                yield ResponseEntity.status(HttpStatus.NOT_FOUND).body(p);
            }
            case ActivityLookup.Unavailable u -> {
                ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, u.why());
                p.setTitle("Detection state not queryable yet");
                yield ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(p);
            }
        };
    }
}
