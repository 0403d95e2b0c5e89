package io.iptracking.common.event;

/**
 * The one definition of the paths an ordinary client has no business with, shared by detection (the
 * SENSITIVE_PATH rule counts requests to them) and admin (its reports single them out), so that a
 * flag and a report agree on what "sensitive" means. Both services read the same variable,
 * {@code SENSITIVE_PATHS}, to change it, and name these patterns, in this order, as its default
 * ({@code @DefaultValue({ADMIN, WP_LOGIN, XMLRPC, DOT_ENV, DOT_GIT})}: an annotation can name
 * constants but not an array). The configuration reference test fails if the two defaults differ.
 *
 * <p>A login page is not among them: every user who signs in requests it, so one anonymous request
 * to it would flag ordinary users (about 1 % of them in the labelled evaluation). Attacks on it are
 * the AUTH_FAILURES rule's business (failed logins) and the edge's rate limits' (their own path list).
 *
 * <p>Spring's path-pattern syntax: {@code /admin/**} matches {@code /admin} and everything below it.
 */
public final class SensitivePathPatterns {

    public static final String ADMIN = "/admin/**";
    public static final String WP_LOGIN = "/wp-login.php";
    public static final String XMLRPC = "/xmlrpc.php";
    public static final String DOT_ENV = "/.env";
    public static final String DOT_GIT = "/.git/**";

    private SensitivePathPatterns() {
    }
}
