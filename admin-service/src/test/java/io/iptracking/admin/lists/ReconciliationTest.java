package io.iptracking.admin.lists;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconciliationTest {

    static final Cidr A = Cidr.parse("192.0.2.0/24");
    static final Cidr B = Cidr.parse("198.51.100.7/32");
    static final Cidr C = Cidr.parse("2001:db8::/32");

    @Test
    void equalTableAndTopicNeedNoRepair() {
        Map<Cidr, ListEntry> both = Map.of(A, entry(A, "a"), C, entry(C, "c"));
        assertThat(Reconciliation.plan(both, new BlocklistTopic.Snapshot(both, Set.of()), Set.of())).isEmpty();
    }

    @Test
    void missingDifferentAndExtraRecordsAreRepairedFromTheTable() {
        Map<Cidr, ListEntry> table = Map.of(A, entry(A, "a"), B, entry(B, "new reason"));
        Map<Cidr, ListEntry> topic = Map.of(B, entry(B, "old reason"), C, entry(C, "gone from the table"));

        assertThat(Reconciliation.plan(table, new BlocklistTopic.Snapshot(topic, Set.of()), Set.of())).containsExactly(
                new Reconciliation.Repair(Reconciliation.Kind.MISSING, A, entry(A, "a")),
                new Reconciliation.Repair(Reconciliation.Kind.DIFFERENT, B, entry(B, "new reason")),
                new Reconciliation.Repair(Reconciliation.Kind.EXTRA, C, null));
    }

    @Test
    void anUnreadableRecordIsReplacedOrTombstoned() {
        Map<Cidr, ListEntry> table = Map.of(A, entry(A, "a"));
        assertThat(Reconciliation.plan(table, new BlocklistTopic.Snapshot(Map.of(), Set.of(A, B)), Set.of())).containsExactly(
                new Reconciliation.Repair(Reconciliation.Kind.MISSING, A, entry(A, "a")),
                new Reconciliation.Repair(Reconciliation.Kind.EXTRA, B, null));
    }

    @Test
    void cidrsWithUnpublishedChangesAreLeftToTheRelay() {
        Map<Cidr, ListEntry> table = Map.of(A, entry(A, "just created"));
        Map<Cidr, ListEntry> topic = Map.of(B, entry(B, "just deleted"));
        assertThat(Reconciliation.plan(table, new BlocklistTopic.Snapshot(topic, Set.of()), Set.of(A, B))).isEmpty();
    }

    private static ListEntry entry(Cidr cidr, String reason) {
        return new ListEntry(cidr, ListAction.BLOCK, reason, ListSource.MANUAL, "alice", Instant.parse("2026-05-04T10:00:00Z"), null);
    }
}
