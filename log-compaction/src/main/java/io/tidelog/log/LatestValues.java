package io.tidelog.log;

import java.util.Optional;

/**
 * The latest value of a key in a compacted topic: what the compacted view of the topic holds for it,
 * as a small local state store beside the log (a key → latest-record lookup, like a Kafka Streams
 * table over a topic).
 *
 * <p>Answers are never wrong but may be missing: a store may forget keys to stay within its memory
 * bound, so an empty answer means "deleted or not known here", and a caller that needs the value must
 * have another source for it. A present answer is the record with the highest offset for exactly
 * this key among the records durable when the call started (it may since have been superseded).
 *
 * <p>Implementations are thread-safe.
 */
public interface LatestValues {

    /**
     * The latest record of the key in the topic, if it is known here and is not a tombstone.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     */
    Optional<LogRecord> latest(String topic, byte[] key);
}
