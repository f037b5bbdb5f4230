package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogMetersTest {

    private static final String TOPIC = "t.public.items";

    @TempDir
    Path dir;

    @Test
    void followsTheLogCounters() throws Exception {
        try (ChangeLog log = EmbeddedChangeLog.open(dir, LogConfig.defaults().withFsync(LogConfig.FsyncPolicy.perBatch()))) {
            // Bound before the first fsync round: a round is acknowledged, then counted, then reported to
            // listeners, so a count read between two appends can be one behind what the timer saw.
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new LogMeters(log, List.of(TOPIC, "t.public.missing")).bindTo(registry);
            log.createTopic(TOPIC, TopicConfig.compacted(2));
            append(log, 0, 3);
            append(log, 0, 5);
            append(log, 1, 7);
            append(log, 1, 1);

            LogMetrics m = log.metrics();
            assertThat(m.recordsAppended()).isEqualTo(16);
            assertThat(registry.get("tidelog.log.appended.records").functionCounter().count()).isEqualTo(16);
            assertThat(registry.get("tidelog.log.appended.bytes").functionCounter().count())
                    .isEqualTo(m.bytesAppended()).isPositive();
            // An fsync round is counted, then reported to listeners, after its appends complete: let it settle.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(registry.get("tidelog.log.fsync").timer().count()).as("fsync rounds")
                            .isEqualTo(log.metrics().fsyncs()).isPositive());
            assertThat(registry.get("tidelog.log.segments").gauge().value()).isEqualTo(m.segments());
            assertThat(registry.get("tidelog.log.compaction.runs").functionCounter().count()).isEqualTo(m.compactionRuns());
            assertThat(registry.get("tidelog.log.reclaimed.bytes").functionCounter().count()).isEqualTo(m.bytesReclaimed());
            assertThat(registry.get("tidelog.log.recovery.dropped.bytes").functionCounter().count())
                    .isEqualTo(m.recoveredBytesDropped());
            assertThat(registry.get("tidelog.log.end.offset").tag("topic", TOPIC).gauge().value()).isEqualTo(16);
            assertThat(registry.get("tidelog.log.end.offset").tag("topic", "t.public.missing").gauge().value()).isNaN();
        }
    }

    private static void append(ChangeLog log, int partition, int count) throws Exception {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new Record(("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                    "{}".getBytes(StandardCharsets.UTF_8), List.of(), 0));
        }
        log.append(new TopicPartition(TOPIC, partition), records).get();
    }
}
