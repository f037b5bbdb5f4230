package io.tidelog.event;

/** PostgreSQL log sequence numbers in their text form {@code X/Y} (two hex halves). */
public final class Lsn {

    private Lsn() {
    }

    /** Formats an LSN as PostgreSQL prints it, e.g. {@code 0/16B3748}. */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /**
     * Parses PostgreSQL's text form.
     *
     * @throws IllegalArgumentException naming the input when it is not {@code X/Y} hex
     */
    public static long parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN; expected hex X/Y, e.g. 0/16B3748");
        }
        try {
            long high = Long.parseLong(text.substring(0, slash), 16);
            long low = Long.parseLong(text.substring(slash + 1), 16);
            if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL) {
                throw new NumberFormatException("half out of range");
            }
            return (high << 32) | low;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN; expected hex X/Y, e.g. 0/16B3748", e);
        }
    }
}
