package io.iptracking.admin.flags;

import io.iptracking.admin.AdminProperties;
import io.iptracking.admin.lists.EntryRequests;
import io.iptracking.admin.web.Params;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Severity;
import io.iptracking.admin.web.PageView;
import io.iptracking.admin.web.InvalidFieldException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/flagged}: the flags detection published, newest first. */
@RestController
@RequestMapping("/api/v1/flagged")
class FlagsController {

    private final FlagStore flags;
    private final int maxPageSize;

    FlagsController(FlagStore flags, AdminProperties p) {
        this.flags = flags;
        this.maxPageSize = p.lists().maxPageSize();
    }

    /**
     * @param network only IPs in this CIDR
     * @param sort {@code detected} (newest first, the default), {@code score} or {@code severity} (highest first)
     */
    @GetMapping
    PageView<FlagStore.FlagView> flagged(@RequestParam(required = false) String ip, @RequestParam(required = false) String network,
            @RequestParam(required = false) String rule, @RequestParam(required = false) String minSeverity,
            @RequestParam(required = false) String since, @RequestParam(required = false) String until,
            @RequestParam(required = false) String sort, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        Params.page(page, size, maxPageSize);
        FlagStore.Filter filter = new FlagStore.Filter(ip == null ? null : EntryRequests.ip("ip", ip),
                network == null ? null : EntryRequests.cidr("network", network),
                Params.enumValue("rule", rule, FlagRule.class), Params.enumValue("minSeverity", minSeverity, Severity.class),
                Params.instant("since", since), Params.instant("until", until));
        if (filter.since() != null && filter.until() != null && !filter.since().isBefore(filter.until())) {
            throw new InvalidFieldException("until", "must be after since");
        }
        FlagStore.Order order = sort == null ? FlagStore.Order.DETECTED : Params.enumValue("sort", sort, FlagStore.Order.class);
        return new PageView<>(flags.page(filter, order, page, size), page, size, flags.count(filter));
    }
}
