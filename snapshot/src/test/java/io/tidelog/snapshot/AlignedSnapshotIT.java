package io.tidelog.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlignedSnapshotIT {

    private static final String DB = "snapshot_it";
    private static final TableId ITEMS = new TableId("public", "items");
    private static final TableId TAGS = new TableId("public", "tags");
    private static final int ROWS = 20_000;

    private PostgresServer server;

    @BeforeAll
    void schema(PostgresServer server) throws Exception {
        this.server = server;
        server.createDatabase(DB);
        server.execute(DB, """
                CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL, pad text NOT NULL);
                INSERT INTO items SELECT g, 0, repeat('x', 100) FROM generate_series(1, %d) g;
                CREATE TABLE tags (a text, b int, label text, PRIMARY KEY (a, b));
                INSERT INTO tags VALUES ('x', 1, 'one'), ('x', 2, NULL);
                ANALYZE items; ANALYZE tags;
                """.formatted(ROWS));
    }

    private SnapshotSettings settings(String slot) {
        return new SnapshotSettings(server.jdbcUrl(DB), server.superuser(), server.superuserPassword(),
                List.of(ITEMS, TAGS), slot, "snapshot_it", 3, 1_000, 500);
    }

    @Test
    void readsEveryRowOnceAsOfTheConsistentPointWhileWritersCommit() throws Exception {
        List<ChangeEvent> rows = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstBatch = new CountDownLatch(1);
        CountDownLatch writersDone = new CountDownLatch(1);
        AtomicBoolean blocked = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                firstBatch.await();
                server.execute(DB, "UPDATE items SET v = 1", "DELETE FROM items WHERE id <= 100",
                        "INSERT INTO items VALUES (" + (ROWS + 1) + ", 1, 'new')");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                writersDone.countDown();
            }
        });
        writer.start();

        AlignedSnapshot snapshot = new AlignedSnapshot(settings("snap_a"));
        SnapshotResult result = snapshot.run(batch -> {
            rows.addAll(batch);
            if (blocked.compareAndSet(false, true)) {
                firstBatch.countDown();
                assertThat(writersDone.await(60, TimeUnit.SECONDS)).as("writers committed").isTrue();
            }
        });

        List<ChangeEvent> items = rows.stream().filter(e -> e.table().equals(ITEMS)).toList();
        assertThat(items).hasSize(ROWS);
        assertThat(items.stream().map(e -> e.key().get("id")).collect(Collectors.toSet())).hasSize(ROWS);
        assertThat(items).as("rows as of the consistent point, before the writers committed")
                .allSatisfy(e -> assertThat(e.after().get("v")).isEqualTo(0));
        assertThat(items).allSatisfy(e -> {
            assertThat(e.op()).isEqualTo(Op.READ);
            assertThat(e.position().snapshot()).isTrue();
            assertThat(e.position().lsn()).isEqualTo(result.consistentPoint());
            assertThat(e.keyColumns()).containsExactly("id");
        });

        List<ChangeEvent> tags = rows.stream().filter(e -> e.table().equals(TAGS)).toList();
        assertThat(tags).extracting(e -> e.key().columns()).containsExactlyInAnyOrder(
                Map.of("a", "x", "b", 1), Map.of("a", "x", "b", 2));
        assertThat(tags).extracting(e -> e.after().get("label")).containsExactlyInAnyOrder("one", null);

        assertThat(result.rows()).containsEntry(ITEMS, (long) ROWS).containsEntry(TAGS, 2L);
        assertThat(snapshot.progress().tables()).allSatisfy(p -> {
            assertThat(p.done()).isTrue();
            assertThat(p.percent()).isEqualTo(100.0);
        });
        assertThat(pendingChangesInSlot("snap_a")).as("the writers' changes wait in the slot").isPositive();
        assertThat(published()).contains("public.items", "public.tags");
    }

    @Test
    void aRerunReplacesTheSlotOfAnInterruptedRun() throws Exception {
        assertThatThrownBy(() -> new AlignedSnapshot(settings("snap_b")).run(batch -> {
            throw new IllegalStateException("crash mid-snapshot");
        })).isInstanceOf(SnapshotException.class).hasMessageContaining("crash mid-snapshot");
        assertThat(slotExists("snap_b")).isTrue();

        SnapshotResult again = new AlignedSnapshot(settings("snap_b")).run(batch -> { });
        assertThat(again.totalRows()).isPositive();
        assertThat(slotExists("snap_b")).isTrue();
    }

    private long pendingChangesInSlot(String slot) throws Exception {
        try (Connection c = server.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_logical_slot_peek_binary_changes('" + slot
                     + "', NULL, NULL, 'proto_version', '1', 'publication_names', 'snapshot_it')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private boolean slotExists(String slot) throws Exception {
        try (Connection c = server.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next();
        }
    }

    private List<String> published() throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = server.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = 'snapshot_it'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
