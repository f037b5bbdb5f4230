package io.tidelog.log.embedded;

import io.tidelog.log.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TopicStoreTest {
    @TempDir
    Path dir;

    @Test
    void configsRoundTripThroughTheirPropertiesFile() throws Exception {
        TopicConfig a = TopicConfig.compacted(3).withCompaction(Duration.ofMinutes(5), Duration.ofSeconds(7), 0.25)
                .withRetention(123, null).withMaxRecordBytes(999);
        TopicConfig b = TopicConfig.DEFAULT.withSegment(8192, Duration.ofHours(2));
        TopicStore.save(dir, "a", a);
        TopicStore.save(dir, "b.c-d_e", b);
        assertThat(TopicStore.loadAll(dir)).containsEntry("a", a).containsEntry("b.c-d_e", b).hasSize(2);
    }
}
