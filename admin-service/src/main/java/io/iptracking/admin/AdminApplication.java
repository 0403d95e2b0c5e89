package io.iptracking.admin;

import io.iptracking.admin.cli.AdminCommandLine;
import io.iptracking.common.kafka.NativeLz4;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/**
 * System of record: block/allow lists, flagged IPs, request log, reports. Started without arguments
 * it serves the API; started with a command ({@code block-ip …}) it runs that command and exits.
 */
// API keys are the only callers: no default user (and no generated password in the log).
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class AdminApplication {

    public static void main(String[] args) {
        NativeLz4.load();
        if (AdminCommandLine.isCommand(args)) {
            System.exit(AdminCommandLine.run(AdminApplication.class, args, Map.of(), System.out, System.err));
        }
        SpringApplication.run(AdminApplication.class, args);
    }
}
