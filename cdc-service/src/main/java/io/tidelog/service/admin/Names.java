package io.tidelog.service.admin;

import java.util.regex.Pattern;

/**
 * The shapes names in admin paths and bodies may have, checked before any lookup: a name that does not
 * match is a 400 and is never used (nor echoed) further. Matching names are then looked up among the
 * configured ones; unknown ones are 404.
 */
final class Names {

    /** Sink names, as {@link io.tidelog.sink.runner.SinkSettings} allows them. */
    static final Pattern SINK = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** Log topics: Kafka's legal characters, not {@code .} or {@code ..}. */
    static final Pattern TOPIC = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9._-]{1,249}");
    /** {@code schema.table} with plain (folded, unquoted) identifiers. */
    static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}\\.[A-Za-z_][A-Za-z0-9_$]{0,62}");
    /** Snapshot ids: UUIDs. */
    static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Names() {
    }

    /**
     * Returns {@code value} when it matches {@code pattern}.
     *
     * @throws AdminException 400 naming {@code field} otherwise
     */
    static String require(Pattern pattern, String value, String field, String shape) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw AdminException.badRequest(field, field + " must be " + shape);
        }
        return value;
    }

    static String sink(String name) {
        return require(SINK, name, "name", "1-63 lower-case letters, digits, '-' or '_' (a sink name)");
    }

    static String topic(String name, String field) {
        return require(TOPIC, name, field, "1-249 letters, digits, '.', '_' or '-' (a topic name)");
    }
}
