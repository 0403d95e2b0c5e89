package io.iptracking.common.testing;

import java.util.function.Supplier;

/**
 * A value computed once per JVM on first use. A failure is remembered too, and every later caller
 * gets an exception with the same message instead of a bare {@code NoClassDefFoundError}.
 */
final class Memo<T> {

    private final Supplier<T> supplier;
    private T value;
    private RuntimeException failure;

    Memo(Supplier<T> supplier) {
        this.supplier = supplier;
    }

    synchronized T get() {
        if (value == null && failure == null) {
            try {
                value = supplier.get();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return value;
    }
}
