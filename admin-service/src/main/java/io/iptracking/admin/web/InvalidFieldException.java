package io.iptracking.admin.web;

/**
 * A request field (API body or query parameter, command-line argument) that is not acceptable; the
 * message is the reason alone, safe to show to the caller.
 */
public final class InvalidFieldException extends RuntimeException {

    private final String field;

    public InvalidFieldException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return getMessage();
    }
}
