package io.tidelog.service.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an {@link InvalidLogException}: the key and its fix. */
class InvalidLogFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLogException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidLogException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.fix(), cause);
    }
}
