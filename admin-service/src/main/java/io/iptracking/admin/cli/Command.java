package io.iptracking.admin.cli;

import io.iptracking.admin.lists.ListFilter;
import io.iptracking.common.event.ListAction;
import java.util.Set;
import picocli.CommandLine;

/**
 * One parsed command line. picocli reads it (the command line's shape: commands, arguments, options,
 * what goes together); the values are validated by the same code as the API's when the command runs.
 */
sealed interface Command {

    /** Add an entry. */
    record Add(ListAction action, String cidr, String reason, String duration, String until, String actor) implements Command {
    }

    /** Remove the entry of exactly this CIDR. */
    record Remove(ListAction action, String cidr, String actor) implements Command {
    }

    /** Print a list. */
    record ListEntries(ListAction action, ListFilter.Status status, String contains) implements Command {
    }

    /** Print a new API key. */
    record NewApiKey(String name, String role) implements Command {
    }

    /** Make a CrowdSec bouncer's key. */
    record AddBouncer(String name, String actor) implements Command {
    }

    /** Revoke a bouncer's key. */
    record DeleteBouncer(String name, String actor) implements Command {
    }

    /** Print the live bouncers. */
    record ListBouncers() implements Command {
    }

    /** Register a webhook endpoint. */
    record AddWebhook(String url, java.util.List<String> events, String description, String actor) implements Command {
    }

    /** Delete a webhook endpoint. */
    record DeleteWebhook(String id, String actor) implements Command {
    }

    /** Print the webhook endpoints. */
    record ListWebhooks() implements Command {
    }

    /** Print the usage. */
    record Help() implements Command {
    }

    /** The command line is not a valid command; the message says why. */
    final class UsageException extends RuntimeException {

        UsageException(String message) {
            super(message);
        }
    }

    Set<String> NAMES = Set.of("block-ip", "allow-ip", "unblock-ip", "unallow-ip", "list-blocks", "list-allows",
            "new-api-key", "add-bouncer", "delete-bouncer", "list-bouncers", "add-webhook", "delete-webhook", "list-webhooks", "help",
            "--help", "-h");

    static boolean isCommand(String first) {
        return NAMES.contains(first);
    }

    /** Reads a command line; throws {@link UsageException} saying what is wrong with it. */
    static Command parse(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-") && !NAMES.contains(args[0])) {
            throw new UsageException("unknown command '" + args[0] + "'");
        }
        CommandLine line = Line.line();
        CommandLine.ParseResult result;
        try {
            result = line.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        if (result.isUsageHelpRequested()) {
            return new Help();
        }
        if (!result.hasSubcommand()) {
            throw new UsageException("no command given");
        }
        CommandLine.ParseResult sub = result.subcommand();
        if (sub.isUsageHelpRequested()) {
            return new Help();
        }
        return ((Line.Spec) sub.commandSpec().userObject()).command();
    }

    /** The usage, as {@code help} prints it. */
    static String usage() {
        return Line.line().getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();
    }

    /** The command line's grammar, in picocli's annotations. */
    final class Line {

        private Line() {
        }

        static CommandLine line() {
            CommandLine line = new CommandLine(new Root());
            add(line, "block-ip", new AddSpec(ListAction.BLOCK), "add a block entry");
            add(line, "allow-ip", new AddSpec(ListAction.ALLOW), "add an allow entry");
            add(line, "unblock-ip", new RemoveSpec(ListAction.BLOCK), "remove the block entry of exactly this IP or range");
            add(line, "unallow-ip", new RemoveSpec(ListAction.ALLOW), "remove the allow entry of exactly this IP or range");
            add(line, "list-blocks", new ListSpec(ListAction.BLOCK), "print the block list");
            add(line, "list-allows", new ListSpec(ListAction.ALLOW), "print the allow list");
            add(line, "new-api-key", new NewKey(), "print a new API key and its ADMIN_API_KEYS entry");
            add(line, "add-bouncer", new BouncerSpec(AddBouncer::new), "make a CrowdSec bouncer's key (printed once)");
            add(line, "delete-bouncer", new BouncerSpec(DeleteBouncer::new), "revoke a CrowdSec bouncer's key");
            add(line, "list-bouncers", new ListBouncersSpec(), "print the CrowdSec bouncers");
            add(line, "add-webhook", new AddWebhookSpec(), "register a webhook endpoint (its secret is printed once)");
            add(line, "delete-webhook", new DeleteWebhookSpec(), "delete a webhook endpoint");
            add(line, "list-webhooks", new ListWebhooksSpec(), "print the webhook endpoints");
            add(line, "help", new HelpSpec(), "print this usage");
            return line;
        }

        private static void add(CommandLine line, String name, Spec spec, String description) {
            CommandLine command = new CommandLine(spec);
            command.getCommandSpec().usageMessage().description(description);
            line.addSubcommand(name, command);
        }

        /** A subcommand that says which {@link Command} it is; {@code --help} after it prints the usage. */
        abstract static class Spec {
            @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "print the usage")
            boolean help;

            abstract Command command();
        }

        @CommandLine.Command(name = "admin-service",
                synopsisHeading = "",
                usageHelpWidth = 110,
                customSynopsis = {"Usage: deploy/local/admin.sh <command> [arguments]",
                        "   (or java -jar admin-service/target/admin-service.jar <command> with a JDK 21+;",
                        "    with compose: docker compose run --rm admin-service <command>)"},
                commandListHeading = "%nCommands:%n",
                footer = {"",
                        "DURATION: 30m, 24h, 7d or ISO-8601 (PT24H). INSTANT: ISO-8601 (2030-01-31T12:00:00Z).",
                        "--actor NAME sets who the audit log names (default cli:<user>).",
                        "Without a command, the service starts. The database and Kafka come from the same",
                        "environment variables as the service (ADMIN_DB_URL, KAFKA_BOOTSTRAP_SERVERS, ...).",
                        "Exit codes: 0 done, 1 failed (database or Kafka), 2 bad input, 3 refused (exists, not found)."})
        static final class Root {
            @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "print this usage")
            boolean help;
        }

        /** A command on one of the two lists, which it is given. */
        abstract static class OnList extends Spec {
            final ListAction action;

            OnList(ListAction action) {
                this.action = action;
            }
        }

        static final class AddSpec extends OnList {
            AddSpec(ListAction action) {
                super(action);
            }

            @CommandLine.Parameters(paramLabel = "<ip|cidr>", description = "an IPv4 or IPv6 address or CIDR")
            String cidr;
            @CommandLine.Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit log and the edge's event")
            String reason;
            // When the entry ends: after a duration, or at an instant; neither for a permanent entry.
            @CommandLine.Option(names = "--for", paramLabel = "DURATION", description = "how long the entry lasts")
            String duration;
            @CommandLine.Option(names = "--until", paramLabel = "INSTANT", description = "when the entry ends")
            String until;
            @CommandLine.Option(names = "--actor", paramLabel = "NAME", description = "who the audit log names")
            String actor;

            @Override
            Command command() {
                if (duration != null && until != null) {
                    throw new UsageException("give --for or --until, not both");
                }
                String why = reason != null ? reason : (action == ListAction.BLOCK ? "blocked" : "allowed") + " from the command line";
                return new Add(action, cidr, why, duration, until, actor);
            }
        }

        static final class RemoveSpec extends OnList {
            RemoveSpec(ListAction action) {
                super(action);
            }

            @CommandLine.Parameters(paramLabel = "<ip|cidr>", description = "exactly the IP or range of the entry")
            String cidr;
            @CommandLine.Option(names = "--actor", paramLabel = "NAME", description = "who the audit log names")
            String actor;

            @Override
            Command command() {
                return new Remove(action, cidr, actor);
            }
        }

        /** Which entries a listing shows: the live ones by default. */
        static final class Which {
            @CommandLine.Option(names = "--all", required = true, description = "live and expired entries")
            boolean all;
            @CommandLine.Option(names = "--expired", required = true, description = "expired entries only")
            boolean expired;
        }

        static final class ListSpec extends OnList {
            ListSpec(ListAction action) {
                super(action);
            }

            @CommandLine.ArgGroup(exclusive = true)
            Which which;
            @CommandLine.Option(names = "--contains", paramLabel = "IP", description = "only entries covering this IP")
            String contains;

            @Override
            Command command() {
                ListFilter.Status status = which == null ? ListFilter.Status.ACTIVE
                        : which.all ? ListFilter.Status.ALL : ListFilter.Status.EXPIRED;
                return new ListEntries(action, status, contains);
            }
        }

        static final class NewKey extends Spec {
            @CommandLine.Parameters(index = "0", paramLabel = "<name>", description = "who uses the key")
            String name;
            @CommandLine.Parameters(index = "1", paramLabel = "<viewer|operator>", description = "what the key may do")
            String role;

            @Override
            Command command() {
                return new NewApiKey(name, role);
            }
        }

        /** add-bouncer or delete-bouncer: a name, and who the audit log names. */
        static final class BouncerSpec extends Spec {
            private final java.util.function.BiFunction<String, String, Command> command;

            BouncerSpec(java.util.function.BiFunction<String, String, Command> command) {
                this.command = command;
            }

            @CommandLine.Parameters(paramLabel = "<name>", description = "the bouncer's name (letters, digits, . - _)")
            String name;
            @CommandLine.Option(names = "--actor", paramLabel = "NAME", description = "who the audit log names")
            String actor;

            @Override
            Command command() {
                return command.apply(name, actor);
            }
        }

        static final class ListBouncersSpec extends Spec {
            @Override
            Command command() {
                return new ListBouncers();
            }
        }

        static final class AddWebhookSpec extends Spec {
            @CommandLine.Parameters(paramLabel = "<url>", description = "where deliveries are POSTed (http or https)")
            String url;
            @CommandLine.Option(names = "--events", paramLabel = "TYPE", split = ",", required = true,
                    description = "flag.raised, block.added, block.removed (comma-separated)")
            java.util.List<String> events;
            @CommandLine.Option(names = "--description", paramLabel = "TEXT", description = "what the endpoint is for")
            String description;
            @CommandLine.Option(names = "--actor", paramLabel = "NAME", description = "who the audit log names")
            String actor;

            @Override
            Command command() {
                return new AddWebhook(url, events, description, actor);
            }
        }

        static final class DeleteWebhookSpec extends Spec {
            @CommandLine.Parameters(paramLabel = "<id>", description = "the endpoint's id (list-webhooks)")
            String id;
            @CommandLine.Option(names = "--actor", paramLabel = "NAME", description = "who the audit log names")
            String actor;

            @Override
            Command command() {
                return new DeleteWebhook(id, actor);
            }
        }

        static final class ListWebhooksSpec extends Spec {
            @Override
            Command command() {
                return new ListWebhooks();
            }
        }

        static final class HelpSpec extends Spec {
            @Override
            Command command() {
                return new Help();
            }
        }
    }
}
