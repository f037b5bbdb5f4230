package io.tidelog.event;

/**
 * What happened to a row. The one-letter {@link #code()} is the {@code op} field of the
 * Debezium-shaped envelope.
 */
public enum Op {
    /** A row was inserted. {@code before} is absent, {@code after} holds the row. */
    CREATE('c'),
    /** A row was updated. {@code after} holds the new row; {@code before} the old one when the table's replica identity provides it. */
    UPDATE('u'),
    /** A row was deleted. {@code after} is absent; {@code before} holds at least the key columns. */
    DELETE('d'),
    /** A row was read by a snapshot. {@code after} holds the row. */
    READ('r');

    private final char code;

    Op(char code) {
        this.code = code;
    }

    /** The envelope code: {@code c}, {@code u}, {@code d} or {@code r}. */
    public char code() {
        return code;
    }

    /**
     * The op for an envelope code.
     *
     * @throws IllegalArgumentException for any other code
     */
    public static Op ofCode(String code) {
        if (code != null && code.length() == 1) {
            for (Op op : values()) {
                if (op.code == code.charAt(0)) {
                    return op;
                }
            }
        }
        throw new IllegalArgumentException("unknown op code '" + code + "'; expected one of c, u, d, r");
    }
}
