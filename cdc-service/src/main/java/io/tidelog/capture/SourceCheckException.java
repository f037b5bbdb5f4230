package io.tidelog.capture;

import java.util.Objects;

/**
 * The source cannot be captured as configured. {@link #getMessage()} is one line naming the
 * problem; {@link #fix()} is one line saying what to change. Neither ever contains a password.
 */
public final class SourceCheckException extends RuntimeException {

    private final SourceProblem problem;
    private final String fix;

    public SourceCheckException(SourceProblem problem, String message, String fix) {
        super(message);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.fix = Objects.requireNonNull(fix, "fix");
    }

    public SourceProblem problem() {
        return problem;
    }

    /** What to change, as one line. */
    public String fix() {
        return fix;
    }
}
