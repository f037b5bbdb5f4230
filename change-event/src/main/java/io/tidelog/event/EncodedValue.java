package io.tidelog.event;

import java.util.Objects;

/**
 * A column value that is already in its log encoding: the exact JSON text {@link ChangeEventJson}
 * wrote for it in an earlier record of the same row. Capture uses it to carry over an unchanged
 * TOASTed value the source did not send ({@link Unavailable}) from the row's latest record in the
 * log, byte for byte, without decoding it back into a Java value; the encoder writes it as is.
 *
 * @param json one complete JSON value (string, number, literal, array or object), as the encoder wrote it
 */
public record EncodedValue(String json) {
    public EncodedValue {
        Objects.requireNonNull(json, "json");
    }

    @Override
    public String toString() {
        return json.length() <= 64 ? json : json.substring(0, 61) + "...";
    }
}
