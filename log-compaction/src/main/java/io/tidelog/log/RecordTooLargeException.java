package io.tidelog.log;

/** A record is larger than its topic's {@link TopicConfig#maxRecordBytes()}; nothing of the call was appended. */
public class RecordTooLargeException extends ChangeLogException {
    private final TopicPartition partition;
    private final int recordBytes;
    private final int maxRecordBytes;

    public RecordTooLargeException(TopicPartition partition, int recordBytes, int maxRecordBytes) {
        super("record of " + recordBytes + " bytes exceeds max.message.bytes " + maxRecordBytes + " of " + partition);
        this.partition = partition;
        this.recordBytes = recordBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    public TopicPartition partition() { return partition; }

    public int recordBytes() { return recordBytes; }

    public int maxRecordBytes() { return maxRecordBytes; }
}
