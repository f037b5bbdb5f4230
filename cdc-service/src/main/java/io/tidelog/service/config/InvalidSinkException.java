package io.tidelog.service.config;

/**
 * A sink's configuration that cannot run, with the property at fault and how to fix it; reported at
 * startup by {@link SinkFailureAnalyzer} as one line each, without a stack trace.
 */
public final class InvalidSinkException extends RuntimeException {

    private final String property;
    private final String fix;

    public InvalidSinkException(String property, String problem, String fix) {
        super(property + ": " + problem);
        this.property = property;
        this.fix = fix;
    }

    /** The property at fault, e.g. {@code tidelog.sinks.cache.tables}. */
    public String property() {
        return property;
    }

    public String fix() {
        return fix;
    }
}
