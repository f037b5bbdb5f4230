package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaBrokerTest {

    private static final Path DATA = Path.of("/tmp/work/data");

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            process.roles                            | broker,controller
            listeners                                | PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093
            advertised.listeners                     | PLAINTEXT://127.0.0.1:9092
            controller.quorum.voters                 | 1@127.0.0.1:9093
            log.dirs                                 | /tmp/work/data
            offsets.topic.replication.factor         | 1
            transaction.state.log.replication.factor | 1
            transaction.state.log.min.isr            | 1
            """)
    void aSingleNodeOnLoopback(String name, String value) {
        assertThat(KafkaBroker.configuration(9092, 9093, DATA, Map.of())).containsEntry(name, value);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            num.partitions                   | 6
            offsets.topic.replication.factor | 3
            log.segment.bytes                | 1048576
            """)
    void theCallersSettingsWin(String name, String value) {
        assertThat(KafkaBroker.configuration(9092, 9093, DATA, Map.of(name, value))).containsEntry(name, value);
    }
}
