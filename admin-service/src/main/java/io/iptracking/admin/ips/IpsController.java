package io.iptracking.admin.ips;

import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.lists.EntryRequests;
import io.iptracking.admin.lists.EntryView;
import io.iptracking.admin.lists.ListEntries;
import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.admin.requestlog.RequestLog;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.admin.privacy.IpTruncation;
import io.iptracking.admin.kafka.AcknowledgedProducer;
import io.iptracking.admin.web.Problems;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/ips/{ip}}: everything about one IP, and erasing it. */
@RestController
@RequestMapping("/api/v1/ips")
class IpsController {

    /** How far back "recent activity" looks. */
    static final Duration RECENT = Duration.ofHours(24);

    /**
     * What is known about one IP now.
     *
     * @param status BLOCKED, ALLOWED or NONE, decided as the edge decides: an allow entry first,
     *     whatever its specificity, then the most specific block
     * @param decidingEntry the entry that decides, if any
     * @param entries every active entry whose range contains the IP, most specific first
     * @param flagCount flags held for the IP
     * @param recentFlags the newest few
     * @param activity the request log of the last 24 hours, at the precision it is stored
     */
    record IpReport(String ip, String status, EntryView decidingEntry, List<EntryView> entries, long flagCount,
            List<FlagStore.FlagView> recentFlags, RequestLog.Activity activity) {
    }

    private final ListEntries entries;
    private final FlagStore flags;
    private final RequestLog requestLog;
    private final IpErasure erasure;
    private final IpTruncation truncation;
    private final Clock clock;

    IpsController(ListEntries entries, FlagStore flags, RequestLog requestLog, IpErasure erasure, IpTruncation truncation,
            Clock clock) {
        this.entries = entries;
        this.flags = flags;
        this.requestLog = requestLog;
        this.erasure = erasure;
        this.truncation = truncation;
        this.clock = clock;
    }

    @GetMapping("/{ip}")
    IpReport ip(@PathVariable("ip") String text) {
        ClientIp ip = EntryRequests.ip("ip", text);
        Instant now = clock.instant();
        List<StoredEntry> covering = entries.activeContaining(ip, now);
        Optional<StoredEntry> deciding = covering.stream().filter(e -> e.entry().action() == ListAction.ALLOW).findFirst()
                .or(() -> covering.stream().filter(e -> e.entry().action() == ListAction.BLOCK).findFirst());
        String status = deciding.map(e -> e.entry().action() == ListAction.ALLOW ? "ALLOWED" : "BLOCKED").orElse("NONE");
        FlagStore.Filter byIp = FlagStore.Filter.ofIp(ip);
        return new IpReport(ip.toString(), status, deciding.map(e -> EntryView.of(e, now)).orElse(null),
                covering.stream().map(e -> EntryView.of(e, now)).toList(), flags.count(byIp), flags.page(byIp, 0, 5),
                requestLog.activity(truncation.truncate(ip), now.minus(RECENT)));
    }

    @DeleteMapping("/{ip}/data")
    IpErasure.Outcome erase(@PathVariable("ip") String text, @RequestParam(defaultValue = "false") boolean includePrefix,
            Principal who) {
        return erasure.erase(EntryRequests.ip("ip", text), includePrefix, who.getName());
    }

    @ExceptionHandler(AcknowledgedProducer.UnavailableException.class)
    ResponseEntity<ProblemDetail> erasureUnavailable(AcknowledgedProducer.UnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "10")
                .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Erasure not started",
                        e.getMessage() + "; nothing was erased in the database (detection may or may not have "
                                + "received it): try again"));
    }
}
