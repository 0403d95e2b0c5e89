package io.iptracking.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.admin.lists.ListFilter;
import io.iptracking.common.event.ListAction;
import org.junit.jupiter.api.Test;

class CommandTest {

    @Test
    void blockIpTakesAReasonAndADurationInEitherOptionForm() {
        assertThat(Command.parse(new String[] {"block-ip", "203.0.113.7", "--reason", "scanner", "--for=24h"}))
                .isEqualTo(new Command.Add(ListAction.BLOCK, "203.0.113.7", "scanner", "24h", null, null));
    }

    @Test
    void aBlockWithoutReasonGetsOneThatSaysWhereItCameFrom() {
        assertThat(Command.parse(new String[] {"allow-ip", "10.0.0.0/8"}))
                .isEqualTo(new Command.Add(ListAction.ALLOW, "10.0.0.0/8", "allowed from the command line", null, null, null));
    }

    @Test
    void listingsTakeFlags() {
        assertThat(Command.parse(new String[] {"list-blocks", "--expired", "--contains", "192.0.2.1"}))
                .isEqualTo(new Command.ListEntries(ListAction.BLOCK, ListFilter.Status.EXPIRED, "192.0.2.1"));
        assertThat(Command.parse(new String[] {"list-allows"}))
                .isEqualTo(new Command.ListEntries(ListAction.ALLOW, ListFilter.Status.ACTIVE, null));
    }

    @Test
    void bouncerCommandsTakeAName() {
        assertThat(Command.parse(new String[] {"add-bouncer", "fw-1", "--actor", "alice"})).isEqualTo(new Command.AddBouncer("fw-1", "alice"));
        assertThat(Command.parse(new String[] {"delete-bouncer", "fw-1"})).isEqualTo(new Command.DeleteBouncer("fw-1", null));
        assertThat(Command.parse(new String[] {"list-bouncers"})).isEqualTo(new Command.ListBouncers());
        assertUsage(new String[] {"add-bouncer"}, "Missing required parameter: '<name>'");
    }

    @Test
    void malformedCommandLinesSayWhatIsWrong() {
        assertUsage(new String[] {"block-ip"}, "Missing required parameter: '<ip|cidr>'");
        assertUsage(new String[] {"block-ip", "1.2.3.4", "5.6.7.8"}, "Unmatched argument at index 2: '5.6.7.8'");
        assertUsage(new String[] {"block-ip", "1.2.3.4", "--for"}, "Missing required parameter for option '--for' (DURATION)");
        assertUsage(new String[] {"block-ip", "1.2.3.4", "--for", "1h", "--for", "2h"},
                "option '--for' (DURATION) should be specified only once");
        assertUsage(new String[] {"block-ip", "1.2.3.4", "--for", "1h", "--until", "2030-01-01T00:00:00Z"},
                "give --for or --until, not both");
        assertUsage(new String[] {"unblock-ip", "1.2.3.4", "--reason", "x"}, "Unknown options: '--reason', 'x'");
        assertUsage(new String[] {"list-blocks", "--all", "--expired"},
                "Error: --all, --expired are mutually exclusive (specify only one)");
        assertUsage(new String[] {"new-api-key", "alice"}, "Missing required parameter: '<viewer|operator>'");
        assertUsage(new String[] {"drop-table"}, "unknown command 'drop-table'");
    }

    @Test
    void helpInEveryFormPrintsTheUsage() {
        for (String[] args : new String[][] {{"help"}, {"--help"}, {"-h"}, {"block-ip", "--help"}}) {
            assertThat(Command.parse(args)).isEqualTo(new Command.Help());
        }
        assertThat(Command.usage()).startsWith("Usage: deploy/local/admin.sh <command> [arguments]")
                .contains("block-ip", "unblock-ip", "list-blocks", "new-api-key", "Exit codes: 0 done");
    }

    private static void assertUsage(String[] args, String message) {
        assertThatThrownBy(() -> Command.parse(args)).isInstanceOf(Command.UsageException.class).hasMessage(message);
    }
}
