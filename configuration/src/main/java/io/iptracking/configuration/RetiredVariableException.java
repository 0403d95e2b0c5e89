package io.iptracking.configuration;

/** An environment variable that this version no longer reads is set; start-up stops. */
public final class RetiredVariableException extends IllegalStateException {

    private final String instead;

    RetiredVariableException(String variable, String instead) {
        super("The environment variable " + variable + " is no longer read: " + instead + ".");
        this.instead = instead;
    }

    /** What to do instead, as an instruction. */
    public String instead() {
        return instead;
    }
}
