package io.iptracking.configuration;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@link RetiredVariableException} as Spring Boot reports a bad setting: what and what to do, no stack trace. */
public final class RetiredVariableFailureAnalyzer extends AbstractFailureAnalyzer<RetiredVariableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RetiredVariableException cause) {
        return new FailureAnalysis(cause.getMessage(), "In the environment or .env: " + cause.instead() + ".", cause);
    }
}
