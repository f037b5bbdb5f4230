package io.tidelog.log;

/**
 * A snapshot of the log's counters since open, for export (e.g. Micrometer).
 *
 * @param recordsAppended   records acknowledged
 * @param bytesAppended     encoded bytes written
 * @param fsyncs            fsync rounds (one round may cover many appends and partitions)
 * @param fsyncNanosTotal   time spent in fsync rounds
 * @param fsyncNanosMax     longest fsync round
 * @param segments          segments currently open across all partitions
 * @param compactionRuns    completed cleaning passes
 * @param bytesReclaimed    bytes freed by compaction and retention
 * @param recoveredBytesDropped bytes cut by recovery on open
 */
public record LogMetrics(long recordsAppended, long bytesAppended, long fsyncs, long fsyncNanosTotal,
                         long fsyncNanosMax, long segments, long compactionRuns, long bytesReclaimed,
                         long recoveredBytesDropped) {
}
