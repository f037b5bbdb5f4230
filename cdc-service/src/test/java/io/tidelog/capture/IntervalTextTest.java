package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntervalTextTest {

    @ParameterizedTest
    @CsvSource({
        "P1Y2M3DT4H5M6.78S,        P1Y2M3DT4H5M6.78S",
        "P0Y0M-2DT0H0M-1S,         P-2DT-1S",
        "P0Y0M0DT0H0M0S,           PT0S",
        "P0Y0M0DT0H0M0.0S,         PT0S",
        "P0Y0M0DT25H0M0.000001S,   PT25H0.000001S",
        "P0Y0M0DT0H0M1.0E-6S,      PT0.000001S",
        "P-1Y0M0DT0H0M-0.500000S,  P-1YT-0.5S",
        "P0Y1M0DT0H0M0S,           P1M",
        "not an interval,          not an interval",
    })
    void rewritesDebeziumIntervalsInPostgresIsoStyle(String debezium, String postgres) {
        assertThat(IntervalText.toPostgresIso(debezium)).isEqualTo(postgres);
    }
}
