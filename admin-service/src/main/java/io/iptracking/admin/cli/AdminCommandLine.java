package io.iptracking.admin.cli;

import io.iptracking.admin.bouncers.BouncerKeys;
import io.iptracking.admin.bouncers.Bouncers;
import io.iptracking.admin.lists.BlocklistRelay;
import io.iptracking.admin.lists.EntryExistsException;
import io.iptracking.admin.lists.EntryNotFoundException;
import io.iptracking.admin.lists.EntryRequests;
import io.iptracking.admin.lists.ListChanges;
import io.iptracking.admin.lists.ListEntries;
import io.iptracking.admin.lists.ListFilter;
import io.iptracking.admin.lists.NewEntry;
import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.admin.web.InvalidFieldException;
import io.iptracking.admin.web.Params;
import io.iptracking.admin.webhooks.Endpoints;
import io.iptracking.admin.webhooks.EventType;
import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.apikey.Role;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The command line in the service's jar ({@code deploy/local/admin.sh block-ip 203.0.113.7
 * --for 24h}): the same validation, table, outbox and audit log as the API, in an application
 * context without a web server or background work. After a change it publishes the outbox itself,
 * so the block reaches the topic even when no admin-service is running.
 */
public final class AdminCommandLine {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int REFUSED = 3;

    private AdminCommandLine() {
    }

    /**
     * True when {@code args} starts with a command rather than the service's own arguments
     * ({@code --server.port=…}): a misspelt command must get the usage, not start a server.
     */
    public static boolean isCommand(String[] args) {
        return args.length > 0 && (Command.isCommand(args[0]) || !args[0].startsWith("--"));
    }

    /**
     * Runs one command and returns its exit code; never calls {@link System#exit}.
     *
     * @param application the application whose configuration the command runs with (its
     *     {@code @SpringBootApplication} class), given rather than named here so that this package
     *     does not depend on the one that starts it
     * @param properties extra Spring properties (tests point the database and Kafka with them)
     */
    public static int run(Class<?> application, String[] args, Map<String, Object> properties, PrintStream out, PrintStream err) {
        Command command;
        try {
            command = Command.parse(args);
        } catch (Command.UsageException e) {
            err.println("admin-service: " + e.getMessage());
            err.println();
            err.println(Command.usage());
            return BAD_INPUT;
        }
        return switch (command) {
            case Command.Help h -> {
                out.println(Command.usage());
                yield OK;
            }
            case Command.NewApiKey k -> newApiKey(k, out, err);
            default -> withContext(application, command, properties, out, err);
        };
    }

    private static int newApiKey(Command.NewApiKey k, PrintStream out, PrintStream err) {
        try {
            String key = ApiKey.generate();
            ApiKey configured = new ApiKey(k.name(), Role.valueOf(k.role().toUpperCase(Locale.ROOT)), ApiKey.hash(key));
            out.println("API key for " + k.name() + " (shown once; give it to the caller):");
            out.println("  " + key);
            out.println("Add this entry to ADMIN_API_KEYS (comma-separated):");
            out.println("  " + configured.toConfig());
            return OK;
        } catch (IllegalArgumentException e) {
            err.println("admin-service: " + (e.getMessage().startsWith("No enum") ? "role must be viewer or operator" : e.getMessage()));
            return BAD_INPUT;
        }
    }

    private static int withContext(Class<?> application, Command command, Map<String, Object> properties, PrintStream out,
            PrintStream err) {
        // The command prints what the operator needs; logs would bury it (LOGGING_LEVEL_ROOT=INFO shows them).
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("logging.level.root", "OFF");
        defaults.put("logging.level.org.apache.kafka", "OFF");
        defaults.put("spring.main.log-startup-info", "false");
        SpringApplicationBuilder builder = new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .properties(defaults)
                // Above application.yml and the environment: what the caller passes wins.
                .initializers(context -> context.getEnvironment().getPropertySources()
                        .addFirst(new MapPropertySource("admin-command-line", new HashMap<>(properties))));
        // The command's own arguments are not Spring properties (--reason would become one).
        builder.application().setAddCommandLineProperties(false);
        try (ConfigurableApplicationContext context = builder.run()) {
            Commands commands = new Commands(context.getBean(ListChanges.class), context.getBean(ListEntries.class),
                    context.getBean(BlocklistRelay.class), context.getBean(BouncerKeys.class), context.getBean(Endpoints.class),
                    context.getBean(Clock.class), out, err);
            return commands.execute(command);
        } catch (RuntimeException e) {
            err.println("admin-service: " + rootMessage(e));
            return FAILED;
        }
    }

    /** The innermost cause says what is wrong ("database does not exist"); which layer failed says where. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        String where = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getName();
            if (where == null && (type.startsWith("org.postgresql") || t instanceof java.sql.SQLException)) {
                where = "database (ADMIN_DB_URL)";
            } else if (where == null && type.startsWith("org.apache.kafka")) {
                where = "Kafka (KAFKA_BOOTSTRAP_SERVERS)";
            }
            root = t;
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        return where == null ? message : where + ": " + message;
    }

    /** Runs commands against the beans of a started context. */
    static final class Commands {

        private final ListChanges changes;
        private final ListEntries entries;
        private final BlocklistRelay relay;
        private final BouncerKeys bouncers;
        private final Endpoints webhooks;
        private final Clock clock;
        private final PrintStream out;
        private final PrintStream err;

        Commands(ListChanges changes, ListEntries entries, BlocklistRelay relay, BouncerKeys bouncers, Endpoints webhooks, Clock clock,
                PrintStream out, PrintStream err) {
            this.changes = changes;
            this.entries = entries;
            this.relay = relay;
            this.bouncers = bouncers;
            this.webhooks = webhooks;
            this.clock = clock;
            this.out = out;
            this.err = err;
        }

        int execute(Command command) {
            try {
                return switch (command) {
                    case Command.Add a -> add(a);
                    case Command.Remove r -> remove(r);
                    case Command.ListEntries l -> list(l);
                    case Command.AddBouncer b -> addBouncer(b);
                    case Command.DeleteBouncer b -> deleteBouncer(b);
                    case Command.ListBouncers b -> listBouncers();
                    case Command.AddWebhook w -> addWebhook(w);
                    case Command.DeleteWebhook w -> deleteWebhook(w);
                    case Command.ListWebhooks w -> listWebhooks();
                    default -> throw new IllegalStateException("not a context command: " + command);
                };
            } catch (InvalidFieldException e) {
                err.println("admin-service: " + option(e.field()) + " " + e.reason());
                return BAD_INPUT;
            } catch (EntryExistsException | EntryNotFoundException | Bouncers.NameTakenException | Endpoints.LimitReachedException e) {
                err.println("admin-service: " + e.getMessage());
                return REFUSED;
            }
        }

        private int addBouncer(Command.AddBouncer b) {
            Bouncers.Created created;
            try {
                created = bouncers.add(b.name(), actor(b.actor()));
            } catch (IllegalArgumentException e) {
                err.println("admin-service: <name>: " + e.getMessage());
                return BAD_INPUT;
            }
            out.println("Bouncer " + created.bouncer().name() + " added. Its API key (shown once; put it in the bouncer's api_key):");
            out.println("  " + created.apiKey());
            return OK;
        }

        private int deleteBouncer(Command.DeleteBouncer b) {
            if (!bouncers.revoke(b.name(), actor(b.actor()))) {
                err.println("admin-service: no live bouncer is named '" + b.name() + "'");
                return REFUSED;
            }
            out.println("Bouncer " + b.name() + " revoked: its key no longer works.");
            return OK;
        }

        private int listBouncers() {
            List<Bouncers.Bouncer> live = bouncers.live();
            if (live.isEmpty()) {
                out.println("No bouncers.");
                return OK;
            }
            out.printf("%-32s %-24s %-20s %s%n", "NAME", "CREATED", "CREATED BY", "LAST PULL");
            for (Bouncers.Bouncer b : live) {
                out.printf("%-32s %-24s %-20s %s%n", b.name(), b.createdAt(), b.createdBy(), b.lastPullAt() == null ? "never" : b.lastPullAt());
            }
            return OK;
        }

        private int addWebhook(Command.AddWebhook w) {
            Endpoints.Created created = webhooks.add(w.url(), w.events(), w.description(), actor(w.actor()));
            Endpoints.Endpoint e = created.endpoint();
            out.println("Webhook " + e.id() + " added: " + e.url() + " gets " + e.events() + ".");
            out.println("Its signing secret (shown once; give it to the receiver to verify webhook-signature):");
            out.println("  " + created.secret());
            return OK;
        }

        private int deleteWebhook(Command.DeleteWebhook w) {
            long id;
            try {
                id = Long.parseLong(w.id().strip());
            } catch (NumberFormatException e) {
                err.println("admin-service: <id>: '" + Params.printable(w.id()) + "' is not a webhook id (a number; see list-webhooks)");
                return BAD_INPUT;
            }
            if (!webhooks.delete(id, actor(w.actor()))) {
                err.println("admin-service: no webhook endpoint with id " + id);
                return REFUSED;
            }
            out.println("Webhook " + id + " deleted: its pending deliveries are dropped.");
            return OK;
        }

        private int listWebhooks() {
            List<Endpoints.Endpoint> live = webhooks.live();
            if (live.isEmpty()) {
                out.println("No webhooks.");
                return OK;
            }
            out.printf("%-6s %-40s %-24s %-24s %s%n", "ID", "EVENTS", "CREATED", "CREATED BY", "URL");
            for (Endpoints.Endpoint e : live) {
                out.printf("%-6d %-40s %-24s %-24s %s%n", e.id(), String.join(",", e.events().stream().map(EventType::wireName).toList()),
                        e.createdAt(), e.createdBy(), e.url());
            }
            return OK;
        }

        private int add(Command.Add a) {
            NewEntry request = EntryRequests.validate(a.cidr(), a.action(), a.reason(), a.duration(), a.until(),
                    ListSource.CLI, actor(a.actor()), clock.instant());
            StoredEntry stored = changes.create(request);
            out.println((a.action() == ListAction.BLOCK ? "Blocked " : "Allowed ") + stored.entry().cidr()
                    + " (entry " + stored.id() + ", " + until(stored.entry().expiresAt()) + ").");
            publish();
            return OK;
        }

        private int remove(Command.Remove r) {
            StoredEntry removed = changes.delete(r.action(), EntryRequests.cidr("cidr", r.cidr()), actor(r.actor()));
            out.println((r.action() == ListAction.BLOCK ? "Unblocked " : "Removed the allow entry of ")
                    + removed.entry().cidr() + " (entry " + removed.id() + ").");
            publish();
            return OK;
        }

        private int list(Command.ListEntries l) {
            ClientIp contains = l.contains() == null ? null : EntryRequests.ip("contains", l.contains());
            Instant now = clock.instant();
            ListFilter filter = new ListFilter(l.status(), null, contains);
            List<StoredEntry> page = entries.page(l.action(), filter, now, 0, 10_000);
            if (page.isEmpty()) {
                out.println("No " + (l.action() == ListAction.BLOCK ? "blocks" : "allow entries") + ".");
                return OK;
            }
            out.printf("%-8s %-43s %-7s %-8s %-20s %-24s %s%n", "ID", "CIDR", "STATUS", "SOURCE", "CREATED BY", "EXPIRES", "REASON");
            for (StoredEntry e : page) {
                out.printf("%-8d %-43s %-7s %-8s %-20s %-24s %s%n", e.id(), e.entry().cidr(),
                        e.isActiveAt(now) ? "active" : "expired", e.entry().source().name().toLowerCase(Locale.ROOT),
                        e.entry().createdBy(), e.entry().expiresAt() == null ? "never" : e.entry().expiresAt(), e.entry().reason());
            }
            return OK;
        }

        private void publish() {
            try {
                int n = relay.drain();
                if (n < 0) {
                    out.println("Queued; the running admin-service publishes it to " + Topics.BLOCKLIST.name() + ".");
                } else {
                    out.println("Published to " + Topics.BLOCKLIST.name() + ".");
                }
            } catch (RuntimeException e) {
                // The change is committed with its outbox record: it is published later, not lost.
                out.println("Saved, but not yet published to " + Topics.BLOCKLIST.name() + " (" + e.getMessage()
                        + "); admin-service publishes it when it runs.");
            }
        }

        private static String until(Instant expiresAt) {
            return expiresAt == null ? "permanent" : "until " + expiresAt;
        }

        private static String actor(String given) {
            return given != null && !given.isBlank() ? given : "cli:" + System.getProperty("user.name", "unknown");
        }

        private static String option(String field) {
            return switch (field) {
                case "cidr" -> "<ip|cidr>:";
                case "duration" -> "--for:";
                case "expiresAt" -> "--until:";
                case "reason" -> "--reason:";
                case "url" -> "<url>:";
                default -> "--" + field + ":";
            };
        }
    }
}
