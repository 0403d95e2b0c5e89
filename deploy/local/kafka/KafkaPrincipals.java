import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The broker's principals, as admin, in one JVM (Kafka's ConfigCommand and AclCommand take one user
 * or one grant per run, and a password on their command line, which anyone on the machine may read):
 * {@code java -cp "<kafka libs>/*" KafkaPrincipals.java <bootstrap> <admin client properties> [acls.txt]}.
 * Creates or updates the SCRAM-SHA-256 users of the environment variable KAFKA_SCRAM_USERS
 * ("name=password" separated by spaces), then grants what the ACL file says and revokes what the
 * principals it names were granted before and it no longer says (other principals' grants are left
 * alone). Both are idempotent, so it runs at every start. A line it cannot read stops it with the
 * line's number; nothing is applied then.
 */
public class KafkaPrincipals {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-([^}]*)}");

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: KafkaPrincipals <bootstrap servers> <admin client properties> [acls file]");
            System.exit(2);
        }
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        String pairs = System.getenv().getOrDefault("KAFKA_SCRAM_USERS", "").strip();
        for (String pair : pairs.isEmpty() ? new String[0] : pairs.split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                System.err.println("KAFKA_SCRAM_USERS: each entry is name=password");
                System.exit(1);
            }
            users.add(new UserScramCredentialUpsertion(pair.substring(0, eq),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), pair.substring(eq + 1)));
        }
        List<AclBinding> bindings = new ArrayList<>();
        List<String> lines = args.length == 3 ? Files.readAllLines(Path.of(args[2])) : List.of();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                bindings.addAll(parse(expand(line)));
            } catch (IllegalArgumentException e) {
                System.err.println(args[2] + ":" + (i + 1) + ": " + e.getMessage());
                System.exit(1);
            }
        }
        Properties config = new Properties();
        try (var in = Files.newInputStream(Path.of(args[1]))) {
            config.load(in);
        }
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        try (Admin admin = Admin.create(config)) {
            if (!users.isEmpty()) {
                admin.alterUserScramCredentials(users).all().get();
            }
            int revoked = 0;
            if (!bindings.isEmpty()) {
                admin.createAcls(bindings).all().get();
                Set<AclBinding> wanted = new HashSet<>(bindings);
                Set<String> principals = new HashSet<>();
                bindings.forEach(b -> principals.add(b.entry().principal()));
                List<AclBindingFilter> stale = new ArrayList<>();
                for (AclBinding b : admin.describeAcls(AclBindingFilter.ANY).values().get()) {
                    if (principals.contains(b.entry().principal()) && !wanted.contains(b)) {
                        stale.add(b.toFilter());
                    }
                }
                if (!stale.isEmpty()) {
                    admin.deleteAcls(stale).all().get();
                }
                revoked = stale.size();
            }
            System.err.println("KafkaPrincipals: " + users.size() + " users, " + bindings.size() + " grants in place, " + revoked
                    + " revoked");
        }
    }

    private static String expand(String line) {
        Matcher m = VARIABLE.matcher(line);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = System.getenv(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null || value.isBlank() ? m.group(2) : value));
        }
        return m.appendTail(out).toString();
    }

    /** {@code principal operations resource-type pattern-type name}: one binding per operation. */
    private static List<AclBinding> parse(String line) {
        String[] f = line.split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("expected principal, operations, resource type, pattern type, name: " + line);
        }
        ResourcePattern resource = new ResourcePattern(ResourceType.fromString(f[2]), f[4], PatternType.fromString(f[3]));
        if (resource.resourceType() == ResourceType.UNKNOWN || resource.patternType() == PatternType.UNKNOWN) {
            throw new IllegalArgumentException("unknown resource type or pattern type: " + line);
        }
        List<AclBinding> out = new ArrayList<>();
        for (String operation : f[1].split(",")) {
            AclOperation op = AclOperation.fromString(operation.toUpperCase(Locale.ROOT));
            if (op == AclOperation.UNKNOWN || op == AclOperation.ANY) {
                throw new IllegalArgumentException("unknown operation " + operation + ": " + line);
            }
            out.add(new AclBinding(resource, new AccessControlEntry("User:" + f[0], "*", op, AclPermissionType.ALLOW)));
        }
        return out;
    }
}
