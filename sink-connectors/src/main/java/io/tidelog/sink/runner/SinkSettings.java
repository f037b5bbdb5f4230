package io.tidelog.sink.runner;

import io.tidelog.event.TableId;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the runner needs to know about one configured sink, whatever its type.
 *
 * @param name    the sink's name: lower-case letters, digits, {@code -} and {@code _}; names its
 *                consumer group ({@code tidelog.sink.<name>}) and dead-letter topic
 * @param tables  the source tables it receives
 * @param fields  which columns it receives, under which names
 * @param batch   when batches are handed to it
 * @param retry   how retriable errors are retried
 */
public record SinkSettings(String name, Set<TableId> tables, FieldMapping fields, BatchPolicy batch, RetryPolicy retry) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public SinkSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("sink name '" + name
                    + "' must be 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit");
        }
        if (tables == null || tables.isEmpty()) {
            throw new IllegalArgumentException("sink '" + name + "' receives no tables");
        }
        tables = Set.copyOf(tables);
        List<String> problems = fields.problems(tables);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("sink '" + name + "' fields: " + String.join("; ", problems));
        }
    }

    /** The consumer group that holds the sink's offsets. */
    public String groupId() {
        return groupIdOf(name);
    }

    /** The consumer group of the sink with this name. */
    public static String groupIdOf(String sinkName) {
        return "tidelog.sink." + sinkName;
    }
}
