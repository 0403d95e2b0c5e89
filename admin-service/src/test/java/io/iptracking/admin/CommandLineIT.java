package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.admin.cli.AdminCommandLine;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The command line as an operator runs it: no web server, the same validation, table, outbox and
 * audit log as the API, and the record on the topic when it returns. Real PostgreSQL and Kafka.
 */
class CommandLineIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    BlocklistRecords topic;

    @BeforeEach
    void topic() {
        topic = new BlocklistRecords(KAFKA);
    }

    @AfterEach
    void close() {
        topic.close();
    }

    record Run(int exitCode, String out, String err) {
    }

    @Test
    void blockIpPublishesTheRecordBeforeItReturnsAndUnblockIpTheTombstone() {
        Run block = run("block-ip", "198.51.100.77", "--reason", "brute force on /login", "--for", "24h", "--actor", "alice");
        assertThat(block.exitCode()).as(block.toString()).isZero();
        assertThat(block.out()).contains("Blocked 198.51.100.77/32 (entry ").contains("Published to ip.blocklist.v1.");

        Cidr cidr = Cidr.parse("198.51.100.77/32");
        // Published before the command returned: the first poll finds it.
        List<ConsumerRecord<Cidr, ListEntry>> records = awaitRecords(cidr, 1);
        ListEntry entry = records.getFirst().value();
        assertThat(entry.action()).isEqualTo(ListAction.BLOCK);
        assertThat(entry.source()).isEqualTo(ListSource.CLI);
        assertThat(entry.createdBy()).isEqualTo("alice");
        assertThat(entry.reason()).isEqualTo("brute force on /login");
        assertThat(Duration.between(entry.createdAt(), entry.expiresAt())).isEqualTo(Duration.ofHours(24));

        Run duplicate = run("block-ip", "198.51.100.77");
        assertThat(duplicate.exitCode()).as(duplicate.toString()).isEqualTo(AdminCommandLine.REFUSED);
        assertThat(duplicate.err()).contains("198.51.100.77/32 already has a block entry");

        Run unblock = run("unblock-ip", "198.51.100.77");
        assertThat(unblock.exitCode()).as(unblock.toString()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> topic.of(cidr).getLast().value() == null);

        Run again = run("unblock-ip", "198.51.100.77");
        assertThat(again.exitCode()).isEqualTo(AdminCommandLine.REFUSED);
        assertThat(again.err()).contains("no block entry for 198.51.100.77/32");
    }

    @Test
    void allowIpAndListAllowsShowTheEntry() {
        Run allow = run("allow-ip", "2001:db8:42::/48");
        assertThat(allow.exitCode()).as(allow.toString()).isZero();
        assertThat(awaitRecords(Cidr.parse("2001:db8:42::/48"), 1).getFirst().value().action()).isEqualTo(ListAction.ALLOW);

        Run list = run("list-allows", "--contains", "2001:db8:42::1");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("2001:db8:42::/48").contains("allowed from the command line").contains("never");
        Run none = run("list-blocks", "--contains", "2001:db8:42::1");
        assertThat(none.out()).contains("No blocks.");
    }

    @Test
    void aBouncerIsAddedWithItsKeyPrintedOnceListedAndRevoked() {
        Run add = run("add-bouncer", "cli-fw-1");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.out()).contains("Bouncer cli-fw-1 added").containsPattern("ipt_[A-Za-z0-9_-]{43}");
        assertThat(run("add-bouncer", "cli-fw-1").exitCode()).as("a live name").isEqualTo(AdminCommandLine.REFUSED);
        assertThat(run("add-bouncer", "no spaces").exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);
        Run list = run("list-bouncers");
        assertThat(list.out()).contains("cli-fw-1").contains("never").doesNotContain("ipt_");
        assertThat(run("delete-bouncer", "cli-fw-1").exitCode()).isZero();
        assertThat(run("delete-bouncer", "cli-fw-1").exitCode()).isEqualTo(AdminCommandLine.REFUSED);
        assertThat(run("list-bouncers").out()).doesNotContain("cli-fw-1");
    }

    @Test
    void aWebhookIsAddedWithItsSecretPrintedOnceListedAndDeleted() {
        Run add = run("add-webhook", "https://203.0.113.9/hooks/ipt", "--events", "flag.raised,block.added", "--description", "siem");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.out()).contains("Webhook ").contains("[flag.raised, block.added]").containsPattern("whsec_[A-Za-z0-9+/=]{44}");
        String id = add.out().replaceAll("(?s)^Webhook (\\d+) added.*", "$1");
        Run list = run("list-webhooks");
        assertThat(list.out()).contains("https://203.0.113.9/hooks/ipt").contains("flag.raised,block.added").doesNotContain("whsec_");

        Run metadata = run("add-webhook", "http://169.254.169.254/latest/meta-data/", "--events", "flag.raised");
        assertThat(metadata.exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);
        assertThat(metadata.err()).contains("<url>: is refused").contains("169.254.0.0/16");
        Run unknown = run("add-webhook", "https://203.0.113.9/", "--events", "flag.lowered");
        assertThat(unknown.exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);
        assertThat(unknown.err()).contains("--events: 'flag.lowered' is not one of flag.raised, block.added, block.removed");
        assertThat(run("add-webhook", "https://203.0.113.9/").exitCode()).as("--events is required").isEqualTo(AdminCommandLine.BAD_INPUT);
        assertThat(run("delete-webhook", "twelve").exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);

        assertThat(run("delete-webhook", id).exitCode()).isZero();
        assertThat(run("delete-webhook", id).exitCode()).isEqualTo(AdminCommandLine.REFUSED);
        assertThat(run("list-webhooks").out()).contains("No webhooks.");
    }

    @Test
    void badInputExitsWithTwoAndSaysWhatIsWrong() {
        Run prefix = run("block-ip", "10.0.0.0/33");
        assertThat(prefix.exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);
        assertThat(prefix.err()).contains("<ip|cidr>: prefix length 33 is out of range for IPv4 (0-32)");

        Run duration = run("block-ip", "192.0.2.1", "--for", "forever");
        assertThat(duration.exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);
        assertThat(duration.err()).contains("--for: 'forever' is not a duration");
    }

    @Test
    void usageErrorsNeedNoDatabase() {
        Run missing = AdminCommandLineRunner.run(Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:1/none"), "block-ip");
        assertThat(missing.exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);
        assertThat(missing.err()).contains("Missing required parameter: '<ip|cidr>'").contains("Usage:");
        Run misspelt = AdminCommandLineRunner.run(Map.of(), "blok-ip", "192.0.2.1");
        assertThat(misspelt.exitCode()).isEqualTo(AdminCommandLine.BAD_INPUT);
        assertThat(misspelt.err()).contains("unknown command 'blok-ip'");
        Run option = AdminCommandLineRunner.run(Map.of(), "unblock-ip", "192.0.2.1", "--for", "1h");
        assertThat(option.err()).contains("Unknown options: '--for', '1h'");
    }

    @Test
    void anUnreachableDatabaseFailsWithOne() {
        Run down = AdminCommandLineRunner.run(Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:1/none",
                "spring.datasource.hikari.initialization-fail-timeout", "1", "spring.kafka.bootstrap-servers", KAFKA.bootstrapServers()),
                "list-blocks");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(AdminCommandLine.FAILED);
        assertThat(down.err()).startsWith("admin-service: database (ADMIN_DB_URL): ");
    }

    private Run run(String... args) {
        return AdminCommandLineRunner.run(Map.of("spring.datasource.url", DB.jdbcUrl(), "spring.datasource.username", DB.username(),
                "spring.datasource.password", DB.password(), "spring.kafka.bootstrap-servers", KAFKA.bootstrapServers()), args);
    }

    private List<ConsumerRecord<Cidr, ListEntry>> awaitRecords(Cidr cidr, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> topic.of(cidr).size() >= count);
        return topic.of(cidr);
    }

    /** Runs the command line in this JVM, capturing what it prints. */
    static final class AdminCommandLineRunner {

        static Run run(Map<String, Object> properties, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = AdminCommandLine.run(AdminApplication.class, args, properties, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
