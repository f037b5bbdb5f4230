package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Json;
import io.tidelog.event.Op;
import io.tidelog.event.Row;
import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Captures a table with one column of every supported type from a real PostgreSQL and checks
 * each event's op, before/after values and position, and that events arrive in commit order.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaptureIT {

    private static final String DB = "capture_it";
    private static final TableId TABLE = new TableId("public", "all_types");
    private static final UUID U = UUID.fromString("0b7e7c7a-8f1e-4d5e-9a43-3c2f1e0d9b01");
    private static final List<String> COLUMNS = List.of("id", "c_int", "c_bigint", "c_text", "c_varchar", "c_numeric",
            "c_double", "c_bool", "c_timestamptz", "c_timestamp", "c_date", "c_uuid", "c_jsonb", "c_bytea", "c_text_array");

    private final List<ChangeEvent> events = Collections.synchronizedList(new ArrayList<>());
    private PostgresServer server;
    private Capture capture;

    @BeforeAll
    void startCapture(PostgresServer server) throws Exception {
        this.server = server;
        server.createDatabase(DB);
        server.execute(DB, """
                CREATE TABLE all_types (
                    id            int PRIMARY KEY,
                    c_int         int,
                    c_bigint      bigint,
                    c_text        text,
                    c_varchar     varchar(20),
                    c_numeric     numeric(20,6),
                    c_double      double precision,
                    c_bool        boolean,
                    c_timestamptz timestamptz,
                    c_timestamp   timestamp,
                    c_date        date,
                    c_uuid        uuid,
                    c_jsonb       jsonb,
                    c_bytea       bytea,
                    c_text_array  text[]);
                ALTER TABLE all_types REPLICA IDENTITY FULL;
                INSERT INTO all_types (id, c_text) VALUES (0, 'before capture');
                """);
        CaptureSettings settings = new CaptureSettings(new io.tidelog.capture.SourceAddress(server.host(), server.port(), DB),
                server.superuser(), server.superuserPassword(), List.of(TABLE), "capture_it", "capture_it",
                Duration.ofMillis(10), 1024, OffsetStorage.memory(), Duration.ofSeconds(60),
                CaptureSettings.SnapshotMode.DEBEZIUM_INITIAL, Duration.ZERO);
        SourcePreflight.check(settings);
        capture = new Capture(settings, events::addAll);
        capture.start();
        assertThat(capture.state()).isEqualTo(Capture.State.RUNNING);
        await("snapshot of the existing row").atMost(Duration.ofSeconds(30)).until(() -> !events.isEmpty());
    }

    @AfterAll
    void stopCapture() {
        if (capture != null) {
            capture.close();
            assertThat(capture.state()).isEqualTo(Capture.State.STOPPED);
        }
    }

    @Test
    void capturesEveryTypeAndOpInCommitOrder() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        try (Connection c = server.connect(DB); Statement st = c.createStatement()) {
            st.execute("""
                    INSERT INTO all_types VALUES (1, 42, 9000000000, 'héllo', 'short', 12345678901234.123456, 2.5, true,
                        '2024-03-01 10:15:30.123456+02', '2024-03-01 10:15:30.123456', '2024-02-29',
                        '0b7e7c7a-8f1e-4d5e-9a43-3c2f1e0d9b01', '{"a": [1, 2], "b": null}', '\\xdeadbeef', '{x,NULL,"y z"}')""");
            st.execute("INSERT INTO all_types (id) VALUES (2)");
            c.setAutoCommit(false);
            st.execute("INSERT INTO all_types (id, c_int) VALUES (3, 1)");
            st.execute("UPDATE all_types SET c_int = 2 WHERE id = 3");
            st.execute("DELETE FROM all_types WHERE id = 2");
            c.commit();
            c.setAutoCommit(true);
            st.execute("UPDATE all_types SET c_text = NULL, c_numeric = -0.000001 WHERE id = 1");
            st.execute("DELETE FROM all_types WHERE id = 1");
        }

        await("7 streamed changes").atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 8);
        List<ChangeEvent> all = List.copyOf(events);
        assertThat(all).hasSize(8);

        ChangeEvent read = all.get(0);
        assertThat(read.op()).isEqualTo(Op.READ);
        assertThat(read.position().snapshot()).isTrue();
        assertThat(read.after().get("c_text")).isEqualTo("before capture");

        List<ChangeEvent> streamed = all.subList(1, all.size());
        assertThat(streamed).extracting(ChangeEvent::op)
                .containsExactly(Op.CREATE, Op.CREATE, Op.CREATE, Op.UPDATE, Op.DELETE, Op.UPDATE, Op.DELETE);
        assertThat(streamed).extracting(e -> e.key().get("id")).containsExactly(1, 2, 3, 3, 2, 1, 1);
        assertThat(streamed).allSatisfy(e -> {
            assertThat(e.table()).isEqualTo(TABLE);
            assertThat(e.keyColumns()).containsExactly("id");
            assertThat(e.position().snapshot()).isFalse();
            assertThat(e.position().lsn()).isPositive();
            assertThat(e.position().txId()).isPositive();
            assertThat(e.position().commitTime()).isAfter(start).isBefore(Instant.now().plusSeconds(1));
        });

        ChangeEvent full = streamed.get(0);
        assertThat(full.before()).isNull();
        assertThat(full.after().names()).containsExactlyElementsOf(COLUMNS);
        assertThat(full.after()).isEqualTo(row(1, 42, 9_000_000_000L, "héllo", "short", new BigDecimal("12345678901234.123456"),
                2.5d, true, OffsetDateTime.of(2024, 3, 1, 8, 15, 30, 123_456_000, ZoneOffset.UTC),
                LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_000), LocalDate.of(2024, 2, 29), U,
                new Json("{\"a\": [1, 2], \"b\": null}"), new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef},
                Arrays.asList("x", null, "y z")));

        ChangeEvent nulls = streamed.get(1);
        assertThat(nulls.after()).isEqualTo(row(2, null, null, null, null, null, null, null, null, null, null, null, null, null, null));

        // One transaction: same txId, one commit, positions rising inside it.
        List<ChangeEvent> tx = streamed.subList(2, 5);
        assertThat(tx).extracting(e -> e.position().txId()).containsOnly(tx.get(0).position().txId());
        assertThat(tx).extracting(e -> e.position().commitTime()).containsOnly(tx.get(0).position().commitTime());
        assertThat(tx.get(0).position().lsn()).isLessThan(tx.get(1).position().lsn());
        assertThat(tx.get(1).position().lsn()).isLessThan(tx.get(2).position().lsn());
        assertThat(tx.get(1).before().get("c_int")).isEqualTo(1);
        assertThat(tx.get(1).after().get("c_int")).isEqualTo(2);
        assertThat(tx.get(2).before()).isEqualTo(nulls.after());
        assertThat(tx.get(2).after()).isNull();

        // Separate transactions: distinct, increasing transaction ids and commit order.
        assertThat(streamed).extracting(e -> e.position().txId())
                .satisfies(ids -> assertThat(ids).isSortedAccordingTo(Long::compare));
        assertThat(streamed.get(0).position().txId()).isLessThan(streamed.get(1).position().txId());

        ChangeEvent update = streamed.get(5);
        assertThat(update.before()).isEqualTo(full.after());
        assertThat(update.after().get("c_text")).isNull();
        assertThat(update.after().has("c_text")).isTrue();
        assertThat(update.after().get("c_numeric")).isEqualTo(new BigDecimal("-0.000001"));
        assertThat(streamed.get(6).before()).isEqualTo(update.after());
    }

    private static Row row(Object... values) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(COLUMNS.get(i), values[i]);
        }
        return Row.of(m);
    }
}
