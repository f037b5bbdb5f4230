package io.tidelog.log.embedded;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LogFilesTest {

    @ParameterizedTest
    @CsvSource({"0, 00000000000000000000.log", "42, 00000000000000000042.log",
            "9223372036854775807, 09223372036854775807.log"})
    void segmentNamesAreTheTwentyDigitBaseOffset(long offset, String name) {
        Path file = LogFiles.logFile(Path.of("/d"), offset);
        assertThat(file.getFileName().toString()).isEqualTo(name);
        assertThat(LogFiles.isSegmentName(name)).isTrue();
        assertThat(LogFiles.offsetFromFileName(name)).isEqualTo(offset);
        assertThat(LogFiles.isSegmentName(name + LogFiles.SWAP_SUFFIX)).isFalse();
        assertThat(LogFiles.withSuffix(file, LogFiles.CLEANED_SUFFIX).getFileName().toString()).isEqualTo(name + ".cleaned");
    }
}
