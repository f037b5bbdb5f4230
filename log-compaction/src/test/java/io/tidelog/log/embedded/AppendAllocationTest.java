package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The append path reuses its encode buffer: what one append call allocates (its future and result)
 * does not grow with the number of records in the batch.
 */
class AppendAllocationTest {
    @TempDir
    Path dir;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void allocationPerAppendCallDoesNotDependOnRecordsPerBatch() {
        assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        TopicPartition tp = new TopicPartition("alloc", 0);
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(new ManualClock(Logs.START)))) {
            log.createTopic("alloc", TopicConfig.DEFAULT.withSegment(512 * 1024 * 1024, Duration.ofDays(1)));
            byte[] value = new byte[100];
            List<Record> one = List.of(Record.of(new byte[8], value));
            List<Record> many = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                many.add(Record.of(new byte[8], value));
            }
            for (int i = 0; i < 2000; i++) {
                log.append(tp, one);
                log.append(tp, many);
            }

            long start = allocated();
            for (int i = 0; i < 1000; i++) {
                log.append(tp, one);
            }
            long perSingleCall = (allocated() - start) / 1000;
            start = allocated();
            for (int i = 0; i < 1000; i++) {
                log.append(tp, many);
            }
            long perBatchCall = (allocated() - start) / 1000;

            assertThat(perSingleCall).as("bytes allocated per 1-record append").isLessThan(256);
            assertThat(perBatchCall).as("bytes allocated per 500-record append").isLessThan(256);
        }
    }
}
