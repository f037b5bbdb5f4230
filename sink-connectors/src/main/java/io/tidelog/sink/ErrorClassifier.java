package io.tidelog.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether a failed write is worth retrying. Retriable: the target is unreachable, overloaded or
 * timed out, so the same batch may succeed later. Permanent: the batch itself is wrong for the target
 * and retrying cannot help; the runner then isolates the offending records into the dead-letter topic.
 */
@FunctionalInterface
public interface ErrorClassifier {

    /** I/O errors, timeouts and {@link RetriableSinkException} anywhere in the cause chain are retriable. */
    ErrorClassifier DEFAULT = error -> {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RetriableSinkException || t instanceof IOException
                    || t instanceof UncheckedIOException || t instanceof TimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    };

    /** Whether retrying the same write may succeed. */
    boolean isRetriable(Throwable error);

    /** This classifier, or else {@code other}: retriable if either says so. */
    default ErrorClassifier or(ErrorClassifier other) {
        return error -> isRetriable(error) || other.isRetriable(error);
    }
}
