package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: configs with a mutable clock and no background cleaner, bytes, reading everything. */
final class Logs {
    static final long START = 1_700_000_000_000L;

    private Logs() {
    }

    static LogConfig config(ManualClock clock) {
        return LogConfig.defaults().withClock(clock).withFsync(LogConfig.FsyncPolicy.none())
                .withCleaner(64 * 1024, Duration.ofDays(1)).withIndexIntervalBytes(256);
    }

    static TopicConfig small(TopicConfig c) {
        return c.withSegment(4096, Duration.ofDays(7)).withMaxRecordBytes(1024);
    }

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static long append(ChangeLog log, TopicPartition tp, String key, String value) {
        return log.append(tp, List.of(Record.of(b(key), b(value)))).join().baseOffset();
    }

    static List<LogRecord> readAll(ChangeLog log, TopicPartition tp) {
        List<LogRecord> out = new ArrayList<>();
        long next = log.logStartOffset(tp);
        while (next < log.endOffset(tp)) {
            ReadResult r = log.read(tp, next, 1000, 64 * 1024);
            out.addAll(r.records());
            next = r.nextOffset();
        }
        return out;
    }
}
