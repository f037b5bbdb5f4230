package io.tidelog.snapshot;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Fast parsing of the common shapes of PostgreSQL's ISO date/time output ({@code DateStyle=ISO},
 * {@code TimeZone=UTC}): {@code 2024-03-01}, {@code 2024-03-01 08:15:30[.ffffff]} and the same with
 * {@code +00}. Returns null for any other shape (BC, years past 9999, infinity, other offsets), which
 * the caller then parses with {@code java.time}.
 */
final class PgTimes {

    private PgTimes() {
    }

    static LocalDate date(String t) {
        if (t.length() != 10 || t.charAt(4) != '-' || t.charAt(7) != '-') {
            return null;
        }
        int y = digits(t, 0, 4);
        int m = digits(t, 5, 2);
        int d = digits(t, 8, 2);
        return y < 0 || m < 0 || d < 0 ? null : LocalDate.of(y, m, d);
    }

    static LocalDateTime timestamp(String t) {
        return dateTime(t, t.length());
    }

    static OffsetDateTime timestamptz(String t) {
        if (!t.endsWith("+00")) {
            return null;
        }
        LocalDateTime local = dateTime(t, t.length() - 3);
        return local == null ? null : OffsetDateTime.of(local, ZoneOffset.UTC);
    }

    private static LocalDateTime dateTime(String t, int end) {
        if (end < 19 || t.charAt(10) != ' ' || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        LocalDate date = date(t.substring(0, 10));
        int h = digits(t, 11, 2);
        int mi = digits(t, 14, 2);
        int s = digits(t, 17, 2);
        int nanos = 0;
        if (end > 19) {
            int fraction = end - 20;
            if (t.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(t, 20, fraction);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (date == null || h < 0 || mi < 0 || s < 0) {
            return null;
        }
        return LocalDateTime.of(date.getYear(), date.getMonthValue(), date.getDayOfMonth(), h, mi, s, nanos);
    }

    /** The non-negative number in {@code t[from, from+count)}, or -1 when a character is not a digit. */
    private static int digits(String t, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
