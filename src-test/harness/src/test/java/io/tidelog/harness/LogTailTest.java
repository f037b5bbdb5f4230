package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLastLines() throws IOException {
        Path log = Files.writeString(dir.resolve("server.log"),
                IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));

        assertThat(LogTail.of(log, 3)).isEqualTo("line 98\nline 99\nline 100");
    }

    @Test
    void readsOnlyTheEndOfAHugeLog() throws IOException {
        Path log = Files.writeString(dir.resolve("server.log"), "x".repeat(1_000_000) + "\nFATAL: the end\n");

        assertThat(LogTail.of(log, 1)).isEqualTo("FATAL: the end");
    }

    @Test
    void aMissingLogHasAnEmptyTail() {
        assertThat(LogTail.of(dir.resolve("absent.log"), 10)).isEmpty();
        assertThat(LogTail.of(null, 10)).isEmpty();
    }
}
