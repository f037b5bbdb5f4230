package io.tidelog.capture;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites Debezium's interval string ({@code interval.handling.mode=string}), which always prints
 * every component ({@code P0Y0M-2DT0H0M-1S}), into PostgreSQL's {@code IntervalStyle=iso_8601}
 * output ({@code P-2DT-1S}): zero components left out, {@code PT0S} for zero, seconds without
 * trailing zeros. The snapshot reads intervals in that style, so both paths agree.
 */
final class IntervalText {

    private static final Pattern DEBEZIUM =
            Pattern.compile("P(-?\\d+)Y(-?\\d+)M(-?\\d+)DT(-?\\d+)H(-?\\d+)M(-?[0-9.]+(?:E-?\\d+)?)S");

    private IntervalText() {
    }

    /** PostgreSQL's ISO-8601 form of a Debezium interval string; other input is returned unchanged. */
    static String toPostgresIso(String debezium) {
        Matcher m = DEBEZIUM.matcher(debezium);
        if (!m.matches()) {
            return debezium;
        }
        StringBuilder sb = new StringBuilder("P");
        append(sb, m.group(1), 'Y');
        append(sb, m.group(2), 'M');
        append(sb, m.group(3), 'D');
        BigDecimal seconds = new BigDecimal(m.group(6));
        boolean time = !isZero(m.group(4)) || !isZero(m.group(5)) || seconds.signum() != 0;
        if (time) {
            sb.append('T');
            append(sb, m.group(4), 'H');
            append(sb, m.group(5), 'M');
            if (seconds.signum() != 0) {
                sb.append(seconds.stripTrailingZeros().toPlainString()).append('S');
            }
        }
        return sb.length() == 1 ? "PT0S" : sb.toString();
    }

    private static void append(StringBuilder sb, String number, char unit) {
        if (!isZero(number)) {
            sb.append(Long.parseLong(number)).append(unit);
        }
    }

    private static boolean isZero(String number) {
        return Long.parseLong(number) == 0;
    }
}
