package io.tidelog.log;

/**
 * The acknowledgement of one append call: the offsets its records received. Completed only once the
 * records are durable according to the log's fsync policy.
 *
 * @param partition  where the records went
 * @param baseOffset the offset of the first record
 * @param lastOffset the offset of the last record
 */
public record AppendResult(TopicPartition partition, long baseOffset, long lastOffset) {

    public int recordCount() {
        return (int) (lastOffset - baseOffset + 1);
    }
}
