package io.tidelog.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast parser agrees with java.time where it answers, and declines every other shape. */
class PgTimesTest {

    @Test
    void agreesWithJavaTimeOnRandomValues() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            LocalDateTime t = LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000) * 1000);
            String text = postgres(t);
            assertThat(PgTimes.timestamp(text)).isEqualTo(t);
            assertThat(PgTimes.timestamptz(text + "+00")).isEqualTo(OffsetDateTime.of(t, ZoneOffset.UTC));
            assertThat(PgTimes.date(text.substring(0, 10))).isEqualTo(t.toLocalDate());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"infinity", "0044-03-15 12:00:00 BC", "12345-01-01 00:00:00", "2024-03-01 08:15:30+02",
                            "2024-03-01 08:15:30-03:30", "2024-03-01T08:15:30", "2024-03-01 08:15:30.", "2024-3-1 8:15:30"})
    void declinesOtherShapes(String text) {
        assertThat(PgTimes.timestamptz(text)).isNull();
        assertThat(PgTimes.timestamp(text)).isNull();
    }

    /** How PostgreSQL prints a timestamp: the fraction without trailing zeros. */
    private static String postgres(LocalDateTime t) {
        String base = String.format("%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() == 0) {
            return base;
        }
        String fraction = String.format("%06d", t.getNano() / 1000).replaceAll("0+$", "");
        return base + "." + fraction;
    }
}
