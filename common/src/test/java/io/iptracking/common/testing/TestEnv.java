package io.iptracking.common.testing;

import java.util.function.Function;

/** Reads the {@code IPT_TEST_*} environment variables that point the fixtures at local servers. */
final class TestEnv {

    private TestEnv() {
    }

    /** The variable's value, or the default when it is unset or blank. */
    static String get(String name, String defaultValue) {
        return get(System::getenv, name, defaultValue);
    }

    static String get(Function<String, String> env, String name, String defaultValue) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    /** A TCP port from the variable, with a message naming the variable when it is not one. */
    static int port(String name, int defaultValue) {
        String value = get(name, Integer.toString(defaultValue));
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException(name + " must be a TCP port (1-65535), not '" + value + "'");
    }
}
