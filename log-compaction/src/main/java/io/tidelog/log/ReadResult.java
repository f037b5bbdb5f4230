package io.tidelog.log;

import java.util.List;

/**
 * The answer to a read of one partition.
 *
 * @param records        records with offsets {@code >= fromOffset}, in offset order; may be empty
 * @param nextOffset     the offset to read from next (one past the last record returned, or past
 *                       offsets that compaction removed)
 * @param logStartOffset the smallest offset still readable
 * @param endOffset      the high watermark: one past the last durable, readable offset
 */
public record ReadResult(List<LogRecord> records, long nextOffset, long logStartOffset, long endOffset) {

    public boolean isEmpty() {
        return records.isEmpty();
    }
}
