package io.tidelog.sink;

import io.tidelog.event.TableId;
import java.util.Set;

/**
 * What a sink is told when it opens.
 *
 * @param sinkName the configured name of the sink, e.g. {@code cache}
 * @param tables   the source tables whose changes the sink receives
 */
public record SinkContext(String sinkName, Set<TableId> tables) {

    public SinkContext {
        tables = Set.copyOf(tables);
    }
}
