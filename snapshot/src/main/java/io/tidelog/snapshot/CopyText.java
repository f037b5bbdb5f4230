package io.tidelog.snapshot;

import java.nio.charset.StandardCharsets;

/**
 * Splits one row of PostgreSQL's {@code COPY ... TO STDOUT} text format into its fields.
 *
 * <p>Format: fields separated by a tab, the row ended by a newline; {@code \N} is NULL; a backslash
 * escapes {@code b f n r t v \\}, an octal byte ({@code \ooo}) or a hex byte ({@code \xhh}); any
 * other escaped character stands for itself. Bytes are UTF-8 (the session's client_encoding).
 *
 * <p>Not thread-safe: one instance per reader; its scratch buffer is reused from row to row.
 */
final class CopyText {

    private byte[] scratch = new byte[256];

    /**
     * The fields of a row, {@code null} for SQL NULL.
     *
     * @param row one row as PostgreSQL sent it, with or without its trailing newline
     * @param columns how many fields the row must have
     * @throws SnapshotException when the field count differs
     */
    String[] split(byte[] row, int columns) {
        String[] fields = new String[columns];
        int end = row.length > 0 && row[row.length - 1] == '\n' ? row.length - 1 : row.length;
        int field = 0;
        int start = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || row[i] == '\t') {
                if (field == columns) {
                    throw new SnapshotException("COPY row has more than " + columns + " fields");
                }
                fields[field++] = field(row, start, i);
                start = i + 1;
            } else if (row[i] == '\\') {
                i++; // an escaped tab is data, not a separator
            }
        }
        if (field != columns) {
            throw new SnapshotException("COPY row has " + field + " fields, expected " + columns);
        }
        return fields;
    }

    private String field(byte[] row, int from, int to) {
        if (to - from == 2 && row[from] == '\\' && row[from + 1] == 'N') {
            return null;
        }
        int backslash = indexOf(row, from, to);
        if (backslash < 0) {
            return new String(row, from, to - from, StandardCharsets.UTF_8);
        }
        if (scratch.length < to - from) {
            scratch = new byte[Math.max(to - from, scratch.length * 2)];
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = row[i];
            if (b != '\\' || i + 1 == to) {
                scratch[n++] = b;
                continue;
            }
            byte e = row[++i];
            switch (e) {
                case 'b' -> scratch[n++] = '\b';
                case 'f' -> scratch[n++] = '\f';
                case 'n' -> scratch[n++] = '\n';
                case 'r' -> scratch[n++] = '\r';
                case 't' -> scratch[n++] = '\t';
                case 'v' -> scratch[n++] = 0x0B;
                case 'x' -> {
                    int v = 0;
                    int digits = 0;
                    while (digits < 2 && i + 1 < to && Character.digit(row[i + 1], 16) >= 0) {
                        v = v * 16 + Character.digit(row[++i], 16);
                        digits++;
                    }
                    scratch[n++] = digits == 0 ? (byte) 'x' : (byte) v;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i + 1 < to && row[i + 1] >= '0' && row[i + 1] <= '7'; k++) {
                            v = v * 8 + (row[++i] - '0');
                        }
                        scratch[n++] = (byte) v;
                    } else {
                        scratch[n++] = e;
                    }
                }
            }
        }
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] row, int from, int to) {
        for (int i = from; i < to; i++) {
            if (row[i] == '\\') {
                return i;
            }
        }
        return -1;
    }
}
