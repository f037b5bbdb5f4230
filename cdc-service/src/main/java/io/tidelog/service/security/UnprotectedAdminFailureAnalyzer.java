package io.tidelog.service.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an {@link UnprotectedAdminException}: the problem as the description, the fix as the action. */
public final class UnprotectedAdminFailureAnalyzer extends AbstractFailureAnalyzer<UnprotectedAdminException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnprotectedAdminException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.fix(), cause);
    }
}
