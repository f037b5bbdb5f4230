package io.tidelog.log;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The default partitioner must place keys exactly where Kafka's producer would. */
class PartitionerTest {

    @ParameterizedTest
    @CsvSource({
            "21, -973932308",
            "foobar, -790332482",
            "a-little-bit-long-string, -985981536",
            "a-little-bit-longer-string, -1486304829",
            "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8, -58897971",
            "abc, 479470107",
    })
    void murmur2MatchesKafkasTestVectors(String key, int expected) {
        assertThat(ChangeLog.Partitioner.murmur2(key.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"21, 7", "foobar, 3", "abc, 12"})
    void partitionIsPositiveMurmur2ModuloCount(String key, int partitions) {
        int hash = ChangeLog.Partitioner.murmur2(key.getBytes(StandardCharsets.UTF_8));
        assertThat(ChangeLog.Partitioner.partition(key.getBytes(StandardCharsets.UTF_8), partitions))
                .isEqualTo((hash & 0x7fffffff) % partitions).isBetween(0, partitions - 1);
    }
}
