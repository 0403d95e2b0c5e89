package io.iptracking.admin.flags;

import io.iptracking.admin.lists.EntryExistsException;
import io.iptracking.admin.lists.EntryRequests;
import io.iptracking.admin.lists.ListChanges;
import io.iptracking.admin.lists.ListEntries;
import io.iptracking.admin.lists.NewEntry;
import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.admin.web.Params;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.text.SafeText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns flags of chosen rules and severities into temporary blocks, through the same
 * {@link ListChanges} as an operator's block. A block covers what the flag names ({@link #target}):
 * the client network the rule counted when the flag has one (an IPv6 /64, say), else the flagged IP.
 * Never blocks a range that an allow entry or an active block already covers as a whole. An allow
 * entry inside a blocked network keeps its addresses reachable: the edge checks the allowlist first.
 */
public final class AutoBlockPolicy {

    private static final Logger log = LoggerFactory.getLogger(AutoBlockPolicy.class);

    /** The actor of automatic blocks in the audit log and on the topic. */
    public static final String ACTOR = "auto-block";

    private final boolean enabled;
    private final Set<FlagRule> rules;
    private final Severity minSeverity;
    private final Duration duration;
    private final ListChanges changes;
    private final ListEntries entries;
    private final Clock clock;

    /** @param rules empty for every rule */
    public AutoBlockPolicy(boolean enabled, Set<FlagRule> rules, Severity minSeverity, Duration duration,
            ListChanges changes, ListEntries entries, Clock clock) {
        this.enabled = enabled;
        this.rules = Set.copyOf(rules);
        this.minSeverity = minSeverity;
        this.duration = duration;
        this.changes = changes;
        this.entries = entries;
        this.clock = clock;
    }

    /** Whether this flag calls for a block, by rule and severity alone. */
    public boolean applies(FlaggedIp flag) {
        return enabled && flag.rule() != FlagRule.UNKNOWN && (rules.isEmpty() || rules.contains(flag.rule()))
                && flag.severity().compareTo(minSeverity) >= 0;
    }

    /** What a block after this flag covers: its network when it names one, else its single address. */
    public static Cidr target(FlaggedIp flag) {
        return flag.network() != null ? flag.network() : flag.ip().toCidr();
    }

    /** Blocks the flag's {@link #target} if the policy says so; returns the block made, if any. */
    public Optional<StoredEntry> consider(FlaggedIp flag) {
        if (!applies(flag)) {
            return Optional.empty();
        }
        Cidr target = target(flag);
        Instant now = clock.instant();
        List<StoredEntry> covering = entries.activeContaining(target, now);
        if (!covering.isEmpty()) {
            // Allowlisted (never auto-blocked) or already blocked as a whole: nothing to add.
            return Optional.empty();
        }
        String reason = reason(flag, target);
        try {
            StoredEntry block = changes.create(new NewEntry(target, ListAction.BLOCK, reason, ListSource.AUTO, ACTOR, null,
                    duration));
            log.info("Auto-blocked {} for {} after flag {} ({})", target, duration, flag.flagId(), flag.rule());
            return Optional.of(block);
        } catch (EntryExistsException e) {
            return Optional.empty();
        }
    }

    /**
     * The block's reason: which flag caused it, then the flag's own reason. That one quotes paths a
     * client chose, so it is held to the rule an operator's reason is (no control, line-separator or
     * bidirectional characters: each becomes U+FFFD) and cut to the length the table takes.
     */
    static String reason(FlaggedIp flag, Cidr target) {
        String reason = Params.printable("auto-block of " + target + " after " + flag.rule() + " flag " + flag.flagId() + " ("
                + flag.severity() + "): " + flag.reason());
        return reason.length() <= EntryRequests.MAX_REASON_LENGTH ? reason
                : SafeText.cap(reason, EntryRequests.MAX_REASON_LENGTH - 1) + "\u2026";
    }
}
