package io.tidelog.capture;

import io.tidelog.event.TableId;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where each table's changes go: the topic {@code <prefix>.<schema>.<table>}, and capture's
 * internal topics beside them ({@code _tidelog.*}; a prefix cannot start with {@code _}, so no table
 * topic collides with them, and {@code __} is the log's own).
 */
public final class TopicNaming {

    /** Kafka's legal topic characters; a table whose name needs others cannot become a topic. */
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    /** Debezium's source position (its offsets), written after the events they cover are durable. */
    public static final String SOURCE_OFFSETS = "_tidelog.source-offsets";
    /** Snapshot start/completion markers, one key per table. */
    public static final String SNAPSHOTS = "_tidelog.snapshots";

    private final String prefix;

    /**
     * @param prefix the first part of every table topic, e.g. {@code tidelog}
     * @throws IllegalArgumentException when the prefix has characters a topic name cannot have
     */
    public TopicNaming(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL.matcher(prefix).matches() || prefix.startsWith("_")) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' must be letters, digits, '.', '_' or '-' and must not start with '_'");
        }
    }

    /**
     * The topic of a table.
     *
     * @throws IllegalArgumentException naming the table when its name cannot be part of a topic name
     */
    public String topic(TableId table) {
        String topic = prefix + "." + table.schema() + "." + table.table();
        if (!LEGAL.matcher(topic).matches()) {
            throw new IllegalArgumentException("table " + table + " cannot be a topic: '" + topic
                    + "' has characters other than letters, digits, '.', '_' and '-'");
        }
        return topic;
    }
}
