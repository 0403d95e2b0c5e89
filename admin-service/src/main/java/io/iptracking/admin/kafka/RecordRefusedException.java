package io.iptracking.admin.kafka;

/**
 * A record that can never be stored: it was read, but breaks the contract or a rule of the store.
 * Permanent: the record goes to the dead-letter topic without a retry (see {@link Failures}).
 */
public class RecordRefusedException extends RuntimeException {

    public RecordRefusedException(String message) {
        super(message);
    }

    public RecordRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
