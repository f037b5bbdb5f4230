package io.tidelog.service.config;

import io.tidelog.capture.SourceCheckException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused source into Spring Boot's failure report: the problem as the description, the
 * fix as the action, and no stack trace.
 */
class SourceFailureAnalyzer extends AbstractFailureAnalyzer<SourceCheckException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SourceCheckException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.fix(), cause);
    }
}
