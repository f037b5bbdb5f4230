package io.tidelog.sink.opensearch;

/**
 * A whole request that OpenSearch refused for good (400, 401, 403, 413, …): retrying the same request
 * cannot help. Failures worth retrying (unreachable node, timeout, 429, 502–504) are
 * {@link io.tidelog.sink.RetriableSinkException}s instead. Deliberately not an {@code IOException} and
 * without the client's exception as cause, so that no classifier mistakes it for a transient I/O error.
 */
public final class OpenSearchRequestException extends Exception {

    private final int status;
    private final String errorType;

    OpenSearchRequestException(String what, int status, String errorType, String reason) {
        super(what + " failed with HTTP " + status + ": " + reason);
        this.status = status;
        this.errorType = errorType;
    }

    /** The HTTP status of the response. */
    public int status() {
        return status;
    }

    /** OpenSearch's error type, e.g. {@code resource_already_exists_exception}, or empty if the body had none. */
    public String errorType() {
        return errorType;
    }
}
