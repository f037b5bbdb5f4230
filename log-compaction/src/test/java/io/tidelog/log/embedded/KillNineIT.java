package io.tidelog.log.embedded;

import io.tidelog.log.LogRecord;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.tidelog.log.Record;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM appends (fsync per batch, or every 20 ms) and prints acknowledged offsets; it is killed with
 * SIGKILL mid-write. On reopen every acknowledged record is there with its value, offsets are dense,
 * and the log accepts appends again.
 */
class KillNineIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"batch", "batch", "20"})
    void everyAcknowledgedRecordSurvivesKillNine(String fsync) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dir.toString(), fsync).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, String> acked = new HashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < 20_000 && (line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts.length == 4 && parts[0].equals("ACK")) {
                    acked.put(parts[1] + "/" + parts[2], parts[3]);
                }
            }
            new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
            child.waitFor();
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts.length == 4 && parts[0].equals("ACK")) {
                    acked.put(parts[1] + "/" + parts[2], parts[3]);
                }
            }
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(20_000);
        try (var log = EmbeddedChangeLog.open(dir, LogConfig.defaults())) {
            Map<String, String> found = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                TopicPartition tp = new TopicPartition("crash", p);
                long expected = 0;
                for (LogRecord r : Logs.readAll(log, tp)) {
                    assertThat(r.offset()).isEqualTo(expected++);
                    found.put(p + "/" + r.offset(), Logs.s(r.value()));
                }
                assertThat(log.append(tp, List.of(Record.of(Logs.b("k"), Logs.b("after")))).join()
                        .baseOffset()).isEqualTo(expected);
            }
            assertThat(found).containsAllEntriesOf(acked);
        }
    }
}
