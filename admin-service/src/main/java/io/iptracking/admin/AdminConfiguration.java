package io.iptracking.admin;

import io.iptracking.admin.audit.AuditLog;
import io.iptracking.admin.flags.AutoBlockPolicy;
import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.bouncers.BouncerKeys;
import io.iptracking.admin.bouncers.CurrentDecisions;
import io.iptracking.admin.bouncers.Bouncers;
import io.iptracking.admin.ips.ErasureTopic;
import io.iptracking.admin.ips.IpErasure;
import io.iptracking.admin.lists.BlocklistRelay;
import io.iptracking.admin.lists.BlocklistTopic;
import io.iptracking.admin.lists.KafkaBlocklistTopic;
import io.iptracking.admin.lists.ListChanges;
import io.iptracking.admin.lists.ListEntries;
import io.iptracking.admin.lists.Outbox;
import io.iptracking.admin.privacy.IpTruncation;
import io.iptracking.admin.privacy.Pseudonyms;
import io.iptracking.admin.reports.Reports;
import io.iptracking.admin.requestlog.RequestLog;
import io.iptracking.admin.requestlog.RequestLogPartitions;
import io.iptracking.admin.requestlog.RequestLogWriter;
import io.iptracking.admin.requestlog.Retention;
import io.iptracking.admin.requestlog.SensitivePaths;
import io.iptracking.admin.webhooks.Deliveries;
import io.iptracking.admin.webhooks.Destinations;
import io.iptracking.admin.webhooks.Endpoints;
import io.iptracking.admin.webhooks.WebhookEvents;
import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the parts every mode needs, the service and the command line alike: the lists, their outbox
 * and relay, the audit log. What only the running service does (consumers, schedules, the relay's
 * thread) is wired in {@link BackgroundConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
class AdminConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AdminConfiguration.class);

    /** Lets configuration list API keys as {@code name:role:sha256hex}. */
    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, ApiKey> apiKeyConverter() {
        return ApiKey::parse;
    }

    /** Lets configuration list address ranges (webhook destinations). */
    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, Cidr> cidrConverter() {
        return Cidr::parse;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Bouncers bouncers(JdbcClient jdbc) {
        return new Bouncers(jdbc);
    }

    @Bean
    CurrentDecisions currentDecisions(ListEntries entries) {
        return new CurrentDecisions(entries);
    }

    @Bean
    BouncerKeys bouncerKeys(Bouncers bouncers, AuditLog audit, TransactionTemplate tx, Clock clock) {
        return new BouncerKeys(bouncers, audit, tx, clock);
    }

    @Bean
    ListEntries listEntries(JdbcClient jdbc) {
        return new ListEntries(jdbc);
    }

    @Bean
    Outbox outbox(JdbcClient jdbc) {
        return new Outbox(jdbc);
    }

    @Bean
    AuditLog auditLog(JdbcClient jdbc) {
        return new AuditLog(jdbc);
    }

    @Bean
    ListChanges listChanges(ListEntries entries, Outbox outbox, AuditLog audit, TransactionTemplate tx, Clock clock,
            WebhookEvents webhookEvents) {
        return new ListChanges(entries, outbox, audit, tx, clock, webhookEvents);
    }

    @Bean
    Deliveries webhookDeliveries(JdbcClient jdbc) {
        return new Deliveries(jdbc);
    }

    @Bean
    WebhookEvents webhookEvents(Deliveries deliveries) {
        return new WebhookEvents(deliveries);
    }

    @Bean
    Destinations webhookDestinations(AdminProperties p) {
        return new Destinations(p.webhooks().allowedDestinations(), p.webhooks().refusedDestinations(), InetAddress::getAllByName);
    }

    @Bean
    Endpoints webhookEndpoints(JdbcClient jdbc, Destinations destinations, AuditLog audit, TransactionTemplate tx, Clock clock,
            AdminProperties p) {
        return new Endpoints(jdbc, destinations, audit, tx, clock, p.webhooks().maxEndpoints());
    }

    @Bean
    IpTruncation ipTruncation(AdminProperties p) {
        return p.privacy().truncation();
    }

    @Bean
    FlagStore flagStore(JdbcTemplate jdbcTemplate, JdbcClient jdbc) {
        return new FlagStore(jdbcTemplate, jdbc);
    }

    @Bean
    RequestLog requestLog(JdbcClient jdbc) {
        return new RequestLog(jdbc);
    }

    @Bean
    RequestLogWriter requestLogWriter(DataSource dataSource, IpTruncation truncation, AdminProperties p) {
        return new RequestLogWriter(dataSource, truncation, new SensitivePaths(p.requestLog().sensitivePaths()));
    }

    @Bean
    Retention retention(JdbcClient jdbc, RequestLog requestLog, FlagStore flags, AuditLog audit, AdminProperties p, Clock clock) {
        AdminProperties.Retention r = p.retention();
        return new Retention(new RequestLogPartitions(jdbc), requestLog, flags, audit, r.requestLog(), r.flags(), r.hourly(),
                r.auditLog(), clock);
    }

    @Bean
    Reports reports(JdbcClient jdbc, FlagStore flags) {
        return new Reports(jdbc, flags);
    }

    @Bean
    IpErasure ipErasure(FlagStore flags, RequestLog requestLog, ListEntries entries, AuditLog audit, IpTruncation truncation,
            Bouncers bouncers, Deliveries webhooks, ErasureTopic erasureTopic, AdminProperties p, TransactionTemplate tx,
            Clock clock) {
        String key = p.privacy().pseudonymKey();
        if (key.isEmpty()) {
            log.warn("No ADMIN_PSEUDONYM_KEY: an erased IP's pseudonym cannot be linked to it later, not even to prove "
                    + "the erasure");
        }
        Pseudonyms pseudonyms = key.isEmpty() ? Pseudonyms.unlinkable() : new Pseudonyms(key.getBytes(StandardCharsets.UTF_8));
        return new IpErasure(flags, requestLog, entries, audit, truncation, bouncers, webhooks, pseudonyms, erasureTopic, tx, clock);
    }

    @Bean(destroyMethod = "close")
    ErasureTopic erasureTopic(KafkaProperties kafka) {
        return new ErasureTopic(Topics.ERASURES, kafka.buildProducerProperties(), kafka.getAdmin().getOperationTimeout());
    }

    @Bean
    AutoBlockPolicy autoBlockPolicy(AdminProperties p, ListChanges changes, ListEntries entries, Clock clock) {
        AdminProperties.AutoBlock a = p.autoBlock();
        return new AutoBlockPolicy(a.enabled(), a.rules(), a.minSeverity(), a.duration(), changes, entries, clock);
    }

    /**
     * The topics admin writes, created at start-up with the catalogue's settings before anything writes
     * to them: a topic the broker auto-created would not be compacted, or co-partitioned.
     */
    @Bean
    KafkaAdmin.NewTopics writtenTopics(AdminProperties p) {
        return new KafkaAdmin.NewTopics(Topics.BLOCKLIST.newTopic(p.kafka().replicationFactor()),
                Topics.ERASURES.newTopic(p.kafka().replicationFactor()));
    }

    @Bean(destroyMethod = "close")
    BlocklistTopic blocklistTopic(KafkaProperties kafka, Clock clock) {
        return new KafkaBlocklistTopic(Topics.BLOCKLIST, kafka.buildProducerProperties(), kafka.buildConsumerProperties(),
                kafka.getAdmin().getOperationTimeout(), clock);
    }

    @Bean(destroyMethod = "close")
    BlocklistRelay blocklistRelay(DataSource dataSource, JdbcClient jdbc, TransactionTemplate tx, Outbox outbox,
            ListEntries entries, ListChanges changes, BlocklistTopic topic, Clock clock, AdminProperties p,
            MeterRegistry registry) {
        BlocklistRelay relay = new BlocklistRelay(dataSource, jdbc, tx, outbox, entries, changes, topic, clock,
                p.lists().relayPollInterval(), p.lists().reconcileInterval(), registry);
        Gauge.builder("ipt.admin.blocklist.outbox.pending", relay, BlocklistRelay::pending)
                .description("List changes not yet acknowledged by the blocklist topic (as of the last relay pass)")
                .register(registry);
        return relay;
    }
}
