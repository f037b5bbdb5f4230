package io.tidelog.service.security;

/**
 * The admin API would be reachable from the network without a token; reported at startup by
 * {@link UnprotectedAdminFailureAnalyzer} as one line for the problem and one for the fix.
 */
public final class UnprotectedAdminException extends RuntimeException {

    private final String fix;

    UnprotectedAdminException(String problem, String fix) {
        super(problem);
        this.fix = fix;
    }

    public String fix() {
        return fix;
    }
}
