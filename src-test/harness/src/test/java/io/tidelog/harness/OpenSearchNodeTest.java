package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSearchNodeTest {

    private static final Path DATA = Path.of("/w/data");
    private static final Path LOGS = Path.of("/w/logs");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            -Xms1g                                                     | -Xms384m
            -Xmx1g                                                     | -Xmx384m
            -XX:HeapDumpPath=data                                      | -XX:HeapDumpPath=/w/data
            -XX:ErrorFile=logs/hs_err_pid%p.log                        | -XX:ErrorFile=/w/logs/hs_err_pid%p.log
            9-:-Xlog:gc*,safepoint:file=logs/gc.log:utctime,pid,tags    | 9-:-Xlog:gc*,safepoint:file=/w/logs/gc.log:utctime,pid,tags
            11-:-XX:+UseG1GC                                           | 11-:-XX:+UseG1GC
            ## -Xmx1g in a comment stays                               | ## -Xmx1g in a comment stays
            """)
    void rewritesHeapAndRelativePathsOfJvmOptions(String line, String expected) {
        assertThat(OpenSearchNode.jvmOptions(List.of(line), 384, DATA, LOGS)).isEqualTo(expected + "\n");
    }

    @Test
    void anExplicitDistributionWinsOverTheBuildsProperty() {
        Path explicit = Path.of("/somewhere/opensearch.zip");

        assertThat(OpenSearchNode.locateDistribution(explicit, "2.19.6")).isEqualTo(explicit);
    }

    @Test
    void theBuildPointsAtTheVersionThisFixtureIsFor() {
        Path located = OpenSearchNode.locateDistribution(null, OpenSearchServer.VERSION);

        assertThat(located.getFileName().toString()).isEqualTo("opensearch-" + OpenSearchServer.VERSION + ".zip");
        assertThat(located.toString()).contains(OpenSearchNode.GROUP_PATH);
    }
}
