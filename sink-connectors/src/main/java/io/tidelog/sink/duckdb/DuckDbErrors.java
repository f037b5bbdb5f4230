package io.tidelog.sink.duckdb;

import io.tidelog.sink.ErrorClassifier;
import java.sql.SQLException;

/**
 * Which DuckDB errors are worth retrying. DuckDB runs in-process and names the kind of error at the
 * start of its message ({@code IO Error: …}, {@code Conversion Error: …}).
 * <ul>
 *   <li>Retriable: I/O (disk full, file unwritable), an interrupted query, a transaction conflict,
 *       and a fatal error that invalidated the database (the sink reopens it before the next write).</li>
 *   <li>Permanent, so the runner isolates the record: constraint, conversion, binder, catalog,
 *       invalid input and every other error. Out of memory too: the runner then splits the batch,
 *       which is what helps, where retrying the same batch would fail the same way.</li>
 * </ul>
 * Besides these, anything {@link ErrorClassifier#DEFAULT} calls retriable is.
 */
final class DuckDbErrors {

    static final ErrorClassifier CLASSIFIER = ErrorClassifier.DEFAULT.or(DuckDbErrors::isRetriableDuckDb);

    private static final String[] RETRIABLE = {
            "IO Error", "Interrupt Error", "FATAL Error", "Connection Error"};

    private DuckDbErrors() {
    }

    /** Whether the database must be reopened before it can be used again. */
    static boolean invalidatesDatabase(Throwable error) {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof SQLException && message != null
                    && (message.contains("FATAL Error") || message.contains("database has been invalidated"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRetriableDuckDb(Throwable error) {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage();
            if (!(t instanceof SQLException) || message == null) {
                continue;
            }
            for (String kind : RETRIABLE) {
                if (message.contains(kind + ":")) {
                    return true;
                }
            }
            if (message.contains("TransactionContext Error:") && message.contains("onflict")) {
                return true;
            }
            if (message.contains("database has been invalidated")) {
                return true;
            }
        }
        return false;
    }
}
