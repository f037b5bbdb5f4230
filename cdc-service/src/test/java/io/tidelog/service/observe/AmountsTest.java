package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmountsTest {

    @ParameterizedTest
    @CsvSource({"0, 0", "999, 999", "120000, '120,000'", "1234567, '1,234,567'"})
    void countsWithThousandsSeparators(long n, String text) {
        assertThat(Amounts.count(n)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0, 0 B", "1023, 1023 B", "1024, 1.0 kB", "1536, 1.5 kB", "10485760, 10 MB",
            "1073741824, 1.0 GB", "1288490189, 1.2 GB", "1099511627776, 1.0 TB"})
    void bytesInPowersOf1024(long bytes, String text) {
        assertThat(Amounts.bytes(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0, 0ms", "450, 450ms", "3400, 3s", "59999, 59s", "125000, 2m05s", "3720000, 1h02m",
            "273600000, 3d04h", "-5, 0ms"})
    void durationsShortAndCoarse(long millis, String text) {
        assertThat(Amounts.duration(Duration.ofMillis(millis))).isEqualTo(text);
    }
}
