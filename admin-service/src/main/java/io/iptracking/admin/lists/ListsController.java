package io.iptracking.admin.lists;

import io.iptracking.admin.AdminProperties;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.admin.web.PageView;
import io.iptracking.admin.web.InvalidFieldException;
import java.net.URI;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/blocks} and {@code /api/v1/allows}: the two lists, one table, one topic. */
@RestController
@RequestMapping("/api/v1")
class ListsController {

    private final ListChanges changes;
    private final ListEntries entries;
    private final Clock clock;
    private final int maxPageSize;

    ListsController(ListChanges changes, ListEntries entries, Clock clock, AdminProperties p) {
        this.changes = changes;
        this.entries = entries;
        this.clock = clock;
        this.maxPageSize = p.lists().maxPageSize();
    }

    @PostMapping("/blocks")
    ResponseEntity<EntryView> block(@RequestBody ListRequest body, Principal who) {
        return create(ListAction.BLOCK, body, who);
    }

    @PostMapping("/allows")
    ResponseEntity<EntryView> allow(@RequestBody ListRequest body, Principal who) {
        return create(ListAction.ALLOW, body, who);
    }

    @GetMapping("/blocks")
    PageView<EntryView> blocks(@RequestParam(required = false) String status, @RequestParam(required = false) String source,
            @RequestParam(required = false) String contains, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return list(ListAction.BLOCK, status, source, contains, page, size);
    }

    @GetMapping("/allows")
    PageView<EntryView> allows(@RequestParam(required = false) String status, @RequestParam(required = false) String source,
            @RequestParam(required = false) String contains, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return list(ListAction.ALLOW, status, source, contains, page, size);
    }

    @GetMapping("/blocks/{id}")
    EntryView getBlock(@PathVariable long id) {
        return get(ListAction.BLOCK, id);
    }

    @GetMapping("/allows/{id}")
    EntryView getAllow(@PathVariable long id) {
        return get(ListAction.ALLOW, id);
    }

    @DeleteMapping("/blocks/{id}")
    EntryView deleteBlock(@PathVariable long id, Principal who) {
        return EntryView.of(changes.delete(ListAction.BLOCK, id, who.getName()), clock.instant());
    }

    @DeleteMapping("/allows/{id}")
    EntryView deleteAllow(@PathVariable long id, Principal who) {
        return EntryView.of(changes.delete(ListAction.ALLOW, id, who.getName()), clock.instant());
    }

    private ResponseEntity<EntryView> create(ListAction action, ListRequest body, Principal who) {
        Instant now = clock.instant();
        NewEntry request = EntryRequests.validate(body.cidr(), action, body.reason(), body.duration(), body.expiresAt(),
                ListSource.MANUAL, who.getName(), now);
        StoredEntry stored = changes.create(request);
        String path = action == ListAction.BLOCK ? "/api/v1/blocks/" : "/api/v1/allows/";
        return ResponseEntity.created(URI.create(path + stored.id())).body(EntryView.of(stored, clock.instant()));
    }

    private EntryView get(ListAction action, long id) {
        return entries.find(id).filter(e -> e.entry().action() == action).map(e -> EntryView.of(e, clock.instant()))
                .orElseThrow(() -> new EntryNotFoundException("no " + ListChanges.listName(action) + " entry with id " + id));
    }

    private PageView<EntryView> list(ListAction action, String status, String source, String contains, int page, int size) {
        if (page < 0) {
            throw new InvalidFieldException("page", "must be 0 or more");
        }
        if (size < 1 || size > maxPageSize) {
            throw new InvalidFieldException("size", "must be between 1 and " + maxPageSize);
        }
        ListFilter filter = new ListFilter(status(status), source(source), ip("contains", contains));
        Instant now = clock.instant();
        return new PageView<>(entries.page(action, filter, now, page, size).stream().map(e -> EntryView.of(e, now)).toList(),
                page, size, entries.count(action, filter, now));
    }

    private static ListFilter.Status status(String text) {
        if (text == null) {
            return ListFilter.Status.ACTIVE;
        }
        try {
            return ListFilter.Status.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("status", "'" + text + "' is not one of active, expired, all");
        }
    }

    private static ListSource source(String text) {
        if (text == null) {
            return null;
        }
        try {
            return ListSource.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("source", "'" + text + "' is not one of manual, auto, cli");
        }
    }

    private static ClientIp ip(String field, String text) {
        return text == null ? null : EntryRequests.ip(field, text);
    }
}
