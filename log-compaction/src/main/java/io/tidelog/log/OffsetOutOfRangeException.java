package io.tidelog.log;

/**
 * An offset is outside {@code [logStartOffset, endOffset]}: usually retention deleted records a slow
 * consumer had not read yet. Nothing was read.
 */
public class OffsetOutOfRangeException extends ChangeLogException {
    private final TopicPartition partition;
    private final long offset;
    private final long logStartOffset;
    private final long endOffset;

    public OffsetOutOfRangeException(TopicPartition partition, long offset, long logStartOffset, long endOffset) {
        super("offset " + offset + " of " + partition + " is out of range [" + logStartOffset + ", " + endOffset + "]");
        this.partition = partition;
        this.offset = offset;
        this.logStartOffset = logStartOffset;
        this.endOffset = endOffset;
    }

    public TopicPartition partition() { return partition; }

    public long offset() { return offset; }

    public long logStartOffset() { return logStartOffset; }

    public long endOffset() { return endOffset; }
}
