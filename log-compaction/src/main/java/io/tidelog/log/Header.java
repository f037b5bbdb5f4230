package io.tidelog.log;

import java.util.Objects;

/**
 * A record header: a string key and an opaque, possibly null, value (Kafka semantics).
 *
 * @param key   the header name
 * @param value the header value, or {@code null}
 */
public record Header(String key, byte[] value) {

    public Header {
        Objects.requireNonNull(key, "key");
    }
}
