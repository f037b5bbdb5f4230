package io.tidelog.log;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicConfigTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0     | 4096 | 1024 | 0.5 | partitions",
            "10001 | 4096 | 1024 | 0.5 | partitions",
            "1     | 100  | 1024 | 0.5 | segmentBytes",
            "1     | 4096 | 10   | 0.5 | maxRecordBytes",
            "1     | 4096 | 1024 | 1.5 | minCleanableDirtyRatio",
    })
    void rejectsOutOfRangeSettingsNamingTheSetting(int partitions, int segmentBytes, int maxRecordBytes, double ratio,
                                                   String named) {
        assertThatThrownBy(() -> new TopicConfig(partitions, CleanupPolicy.COMPACT, -1, null, segmentBytes,
                Duration.ofDays(1), Duration.ofDays(1), Duration.ZERO, ratio, maxRecordBytes))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
    }
}
