package io.tidelog.log;

/**
 * Stored data failed its checksum or framing checks on read. Corrupt records are never returned; the
 * reader gets this instead, naming the partition and the first offset it could not serve.
 */
public class CorruptRecordException extends ChangeLogException {
    private final TopicPartition partition;
    private final long offset;

    public CorruptRecordException(TopicPartition partition, long offset, String detail) {
        super("corrupt data in " + partition + " at or after offset " + offset + ": " + detail);
        this.partition = partition;
        this.offset = offset;
    }

    public TopicPartition partition() { return partition; }

    public long offset() { return offset; }
}
