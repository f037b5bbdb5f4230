package io.tidelog.service.observe;

import java.time.Duration;
import java.util.Locale;

/** How amounts read in health reasons and log lines: {@code 120,000}, {@code 1.2 GB}, {@code 2m05s}. */
final class Amounts {

    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

    private Amounts() {
    }

    /** With thousands separators: {@code 120,000}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** In powers of 1024, as {@link org.springframework.util.unit.DataSize} counts: {@code 1.2 GB}, {@code 512 B}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        double value = bytes / Math.pow(1024, unit);
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, UNITS[unit]);
    }

    /** Short and coarse: {@code 450ms}, {@code 3s}, {@code 2m05s}, {@code 1h02m}, {@code 3d04h}. */
    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1_000) {
            return ms + "ms";
        }
        long s = ms / 1_000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3_600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3_600, s % 3_600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3_600);
    }
}
