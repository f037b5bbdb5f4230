package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerStartExceptionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            postgres bind failure   | could not bind IPv4 address "127.0.0.1": Address already in use | true
            java BindException      | java.net.BindException: Address already in use (Bind failed)    | true
            redis                   | Could not create server TCP listening socket: address already in use | true
            kafka                   | org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:9092: Address already in use. | true
            opensearch              | BindHttpException[Failed to bind to 127.0.0.1:[9200]]; nested: BindException[Address already in use]; | true
            other failure           | FATAL: invalid value for parameter "max_connections"            | false
            """)
    void recognisesAPortTakenByAnotherProcess(String scenario, String log, boolean portInUse) {
        assertThat(new ServerStartException("s", "exited", log, null).portInUse()).isEqualTo(portInUse);
    }

    @ParameterizedTest(name = "log: [{0}]")
    @CsvSource(value = {"''", "'   '"}, nullValues = "null")
    void saysWhenTheLogIsEmpty(String log) {
        ServerStartException e = new ServerStartException("postgres", "exited with code 1", log, null);

        assertThat(e.getMessage()).isEqualTo("postgres failed to start: exited with code 1 (its log is empty)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = "FATAL: bad setting")
    void namesTheServerTheReasonAndTheLog(String log) {
        ServerStartException e = new ServerStartException("postgres", "exited with code 1", log + "\n", null);

        assertThat(e.getMessage()).isEqualTo("postgres failed to start: exited with code 1\n--- last lines of its log ---\nFATAL: bad setting");
        assertThat(e.server()).isEqualTo("postgres");
        assertThat(e.reason()).isEqualTo("exited with code 1");
    }
}
