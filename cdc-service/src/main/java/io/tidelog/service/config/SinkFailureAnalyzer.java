package io.tidelog.service.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an {@link InvalidSinkException} as the problem (naming the property) and its fix. */
class SinkFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSinkException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSinkException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.fix(), cause);
    }
}
