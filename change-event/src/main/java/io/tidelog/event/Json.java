package io.tidelog.event;

import java.util.Objects;

/**
 * A {@code json} or {@code jsonb} value, kept as the JSON text PostgreSQL produced so that an
 * encoder can embed it as JSON rather than as a string.
 *
 * @param text syntactically valid JSON text
 */
public record Json(String text) {
    public Json {
        Objects.requireNonNull(text, "text");
    }
}
