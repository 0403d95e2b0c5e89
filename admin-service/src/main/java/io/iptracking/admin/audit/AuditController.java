package io.iptracking.admin.audit;

import io.iptracking.admin.AdminProperties;
import io.iptracking.admin.web.Params;
import io.iptracking.admin.web.PageView;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/audit}: who changed the lists or erased data, newest first. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditLog audit;
    private final int maxPageSize;

    AuditController(AuditLog audit, AdminProperties p) {
        this.audit = audit;
        this.maxPageSize = p.lists().maxPageSize();
    }

    /** @param subject a CIDR ({@code 203.0.113.7/32}) or an IP (erasures), exactly as recorded */
    @GetMapping
    PageView<AuditLog.Record> audit(@RequestParam(required = false) String subject, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        Params.page(page, size, maxPageSize);
        Params.text("subject", subject, 100);
        List<AuditLog.Record> records = audit.newest(subject, page, size);
        return new PageView<>(records, page, size, audit.count(subject));
    }
}
