package io.tidelog.capture;

/**
 * How the aligned initial snapshot reads.
 *
 * @param parallelism connections reading chunks concurrently
 * @param rowsPerChunk target rows per chunk
 */
public record SnapshotOptions(int parallelism, long rowsPerChunk) {

    public SnapshotOptions {
        if (parallelism < 1 || rowsPerChunk < 1) {
            throw new IllegalArgumentException("snapshot parallelism and rows per chunk must be positive");
        }
    }
}
