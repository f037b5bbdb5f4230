package io.tidelog.e2e;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.ChangeEventJson;
import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.snapshot.AlignedSnapshot;
import io.tidelog.snapshot.SnapshotSettings;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * What the sinks must hold: the source tables as they are now, each row in exactly the JSON that
 * capture writes to the log. Read with the project's own {@link AlignedSnapshot} — the code of the
 * service's initial snapshot, whose rows encode like streamed changes (README, "What lands in the
 * log") — on a slot and publication of its own, both dropped afterwards, so the service's slot is
 * not touched. Independent of the log: a change the log lost or mangled shows up as a difference.
 */
final class SourceRows {

    private static final String CHECK = "sinks_e2e_check";
    private static final ChangeEventJson ENCODING = new ChangeEventJson();

    private SourceRows() {
    }

    static Rows read(PostgresServer server, String database, List<TableId> tables) throws Exception {
        SnapshotSettings settings = new SnapshotSettings(server.jdbcUrl(database), server.superuser(),
                server.superuserPassword(), tables, CHECK, CHECK, 1, 1_000_000, 1_000);
        Map<String, Map<String, JsonNode>> rows = new ConcurrentHashMap<>();
        tables.forEach(t -> rows.put(t.table(), new ConcurrentHashMap<>()));
        try {
            new AlignedSnapshot(settings).run(events -> {
                for (ChangeEvent event : events) {
                    String key = Rows.keyOf(Rows.JSON.readTree(ENCODING.key(event)));
                    JsonNode after = Rows.JSON.readTree(ENCODING.value(event, 0)).get("after");
                    rows.get(event.table().table()).put(key, after);
                }
            });
        } finally {
            try (Connection c = server.connect(database); Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + CHECK + "'");
                st.execute("DROP PUBLICATION IF EXISTS " + CHECK);
            }
        }
        return new Rows(rows);
    }
}
