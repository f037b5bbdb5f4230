package io.tidelog.event;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 text of the temporal column types, exactly as {@link DateTimeFormatter#ISO_LOCAL_DATE},
 * {@code ISO_LOCAL_TIME}, {@code ISO_LOCAL_DATE_TIME} and {@code ISO_OFFSET_DATE_TIME} print them
 * (seconds always, a fraction only when non-zero and without trailing zeros), written without the
 * formatters' per-call overhead on the hot path. Years outside 0–9999 and non-UTC offsets go
 * through the formatters.
 */
final class IsoText {

    private IsoText() {
    }

    static String date(LocalDate d) {
        if (d.getYear() < 0 || d.getYear() > 9999) {
            return DateTimeFormatter.ISO_LOCAL_DATE.format(d);
        }
        StringBuilder sb = new StringBuilder(10);
        appendDate(sb, d);
        return sb.toString();
    }

    static String time(LocalTime t) {
        StringBuilder sb = new StringBuilder(15);
        appendTime(sb, t);
        return sb.toString();
    }

    static String dateTime(LocalDateTime t) {
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        StringBuilder sb = new StringBuilder(26);
        appendDate(sb, t.toLocalDate());
        sb.append('T');
        appendTime(sb, t.toLocalTime());
        return sb.toString();
    }

    static String offsetDateTime(OffsetDateTime t) {
        if (t.getOffset() != ZoneOffset.UTC || t.getYear() < 0 || t.getYear() > 9999) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
        }
        StringBuilder sb = new StringBuilder(27);
        appendDate(sb, t.toLocalDate());
        sb.append('T');
        appendTime(sb, t.toLocalTime());
        return sb.append('Z').toString();
    }

    private static void appendDate(StringBuilder sb, LocalDate d) {
        pad(sb, d.getYear(), 4);
        sb.append('-');
        pad(sb, d.getMonthValue(), 2);
        sb.append('-');
        pad(sb, d.getDayOfMonth(), 2);
    }

    private static void appendTime(StringBuilder sb, LocalTime t) {
        pad(sb, t.getHour(), 2);
        sb.append(':');
        pad(sb, t.getMinute(), 2);
        sb.append(':');
        pad(sb, t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            sb.append('.');
            pad(sb, nanos, digits);
        }
    }

    private static void pad(StringBuilder sb, int value, int width) {
        int start = sb.length();
        sb.append(value);
        for (int i = sb.length() - start; i < width; i++) {
            sb.insert(start, '0');
        }
    }
}
