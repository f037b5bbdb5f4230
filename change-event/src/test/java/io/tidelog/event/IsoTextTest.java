package io.tidelog.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast ISO text agrees with java.time's formatters on every value, edge cases included. */
class IsoTextTest {

    @Test
    void agreesWithTheFormattersOnRandomAndEdgeValues() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            LocalDateTime t = LocalDateTime.of(random.nextInt(10_000), 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), nanos(random));
            check(t);
        }
        check(LocalDateTime.of(0, 1, 1, 0, 0));
        check(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999));
        check(LocalDateTime.of(2024, 2, 29, 0, 0, 0, 1));
        check(LocalDateTime.of(-44, 3, 15, 12, 0));
        check(LocalDateTime.of(12_345, 6, 7, 8, 9, 10, 100_000_000));
        OffsetDateTime elsewhere = OffsetDateTime.of(2024, 3, 1, 10, 0, 0, 0, ZoneOffset.ofHours(2));
        assertThat(IsoText.offsetDateTime(elsewhere)).isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(elsewhere));
    }

    private static int nanos(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000_000) * 1_000;
            case 2 -> random.nextInt(1_000) * 1_000_000;
            default -> random.nextInt(1_000_000_000);
        };
    }

    private static void check(LocalDateTime t) {
        assertThat(IsoText.dateTime(t)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
        assertThat(IsoText.date(t.toLocalDate())).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE.format(t.toLocalDate()));
        LocalTime time = t.toLocalTime();
        assertThat(IsoText.time(time)).isEqualTo(DateTimeFormatter.ISO_LOCAL_TIME.format(time));
        OffsetDateTime utc = t.atOffset(ZoneOffset.UTC);
        assertThat(IsoText.offsetDateTime(utc)).isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(utc));
    }
}
