package io.iptracking.admin.cli;

import io.iptracking.admin.lists.ListFilter;
import io.iptracking.common.event.ListAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parsed command line. Parsing only checks the shape (command, arguments, options); the values
 * are validated by the same code as the API's when the command runs.
 */
sealed interface Command {

    String USAGE = """
            Usage: deploy/local/admin.sh <command> [arguments]
               (or java -jar admin-service/target/admin-service.jar <command> with a JDK 21+;
                with compose: docker compose run --rm admin-service <command>)

              block-ip <ip|cidr> [--reason TEXT] [--for DURATION | --until INSTANT]
              allow-ip <ip|cidr> [--reason TEXT] [--for DURATION | --until INSTANT]
              unblock-ip <ip|cidr>          remove the block entry of exactly this IP or range
              unallow-ip <ip|cidr>          remove the allow entry of exactly this IP or range
              list-blocks [--all | --expired] [--contains IP]
              list-allows [--all | --expired] [--contains IP]
              new-api-key <name> <viewer|operator>   print a new API key and its ADMIN_API_KEYS entry
              help

            DURATION: 30m, 24h, 7d or ISO-8601 (PT24H). INSTANT: ISO-8601 (2030-01-31T12:00:00Z).
            --actor NAME sets who the audit log names (default cli:<user>).
            Without a command, the service starts. The database and Kafka come from the same
            environment variables as the service (ADMIN_DB_URL, KAFKA_BOOTSTRAP_SERVERS, ...).
            Exit codes: 0 done, 1 failed (database or Kafka), 2 bad input, 3 refused (exists, not found).""";

    Set<String> NAMES = Set.of("block-ip", "allow-ip", "unblock-ip", "unallow-ip", "list-blocks", "list-allows",
            "new-api-key", "help", "--help", "-h");

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

    /** Print the usage. */
    record Help() implements Command {
    }

    /** The command line is not a valid command; the message says why. */
    final class UsageException extends RuntimeException {

        UsageException(String message) {
            super(message);
        }
    }

    static boolean isCommand(String first) {
        return NAMES.contains(first);
    }

    static Command parse(String[] args) {
        if (args.length == 0) {
            throw new UsageException("no command given");
        }
        String name = args[0];
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String key = a.substring(2);
                String value;
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    value = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else if (key.equals("all") || key.equals("expired")) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("--" + key + " needs a value");
                }
                if (options.put(key, value) != null) {
                    throw new UsageException("--" + key + " is given twice");
                }
            } else {
                positional.add(a);
            }
        }
        return switch (name) {
            case "block-ip", "allow-ip" -> {
                allowOnly(name, options, "reason", "for", "until", "actor");
                ListAction action = name.equals("block-ip") ? ListAction.BLOCK : ListAction.ALLOW;
                String reason = options.getOrDefault("reason",
                        (action == ListAction.BLOCK ? "blocked" : "allowed") + " from the command line");
                yield new Add(action, one(name, positional, "<ip|cidr>"), reason, options.get("for"), options.get("until"),
                        options.get("actor"));
            }
            case "unblock-ip", "unallow-ip" -> {
                allowOnly(name, options, "actor");
                yield new Remove(name.equals("unblock-ip") ? ListAction.BLOCK : ListAction.ALLOW,
                        one(name, positional, "<ip|cidr>"), options.get("actor"));
            }
            case "list-blocks", "list-allows" -> {
                allowOnly(name, options, "all", "expired", "contains");
                if (!positional.isEmpty()) {
                    throw new UsageException(name + " takes no arguments, only options");
                }
                if (options.containsKey("all") && options.containsKey("expired")) {
                    throw new UsageException("give --all or --expired, not both");
                }
                ListFilter.Status status = options.containsKey("all") ? ListFilter.Status.ALL
                        : options.containsKey("expired") ? ListFilter.Status.EXPIRED : ListFilter.Status.ACTIVE;
                yield new ListEntries(name.equals("list-blocks") ? ListAction.BLOCK : ListAction.ALLOW, status,
                        options.get("contains"));
            }
            case "new-api-key" -> {
                allowOnly(name, options);
                if (positional.size() != 2) {
                    throw new UsageException("new-api-key needs <name> <viewer|operator>");
                }
                yield new NewApiKey(positional.get(0), positional.get(1));
            }
            case "help", "--help", "-h" -> new Help();
            default -> throw new UsageException("unknown command '" + name + "'");
        };
    }

    private static String one(String command, List<String> positional, String what) {
        if (positional.size() != 1) {
            throw new UsageException(command + " needs exactly one " + what + (positional.isEmpty() ? "" : ", got " + positional));
        }
        return positional.getFirst();
    }

    private static void allowOnly(String command, Map<String, String> options, String... allowed) {
        Set<String> known = Set.of(allowed);
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                throw new UsageException(command + " has no option --" + key);
            }
        }
    }
}
